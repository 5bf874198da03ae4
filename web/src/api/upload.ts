/**
 * `POST /api/uploads` with XMLHttpRequest, the one browser API that reports upload progress. Files go in the
 * order given; an archive goes alone.
 */
import { ApiError } from './client';
import type { UploadResult } from './types';

export type UploadProgress = { loadedBytes: number; totalBytes: number };

export type UploadHandle = { promise: Promise<UploadResult>; abort: () => void };

export const ARCHIVE_PATTERN = /\.(zip|tar|tar\.gz|tgz)$/i;
export const RECORDING_PATTERN = /\.(mjr|nfo)$/i;

/** Which dropped files to send: one archive alone, else the recordings (.mjr + .nfo); the rest is ignored. Pure. */
export const pickUploadFiles = <T extends { name: string }>(files: readonly T[]): { send: T[]; ignored: T[] } => {
  const archive = files.find((file) => ARCHIVE_PATTERN.test(file.name));
  if (archive !== undefined) {
    return { send: [archive], ignored: files.filter((file) => file !== archive) };
  }
  return { send: files.filter((file) => RECORDING_PATTERN.test(file.name)), ignored: files.filter((file) => !RECORDING_PATTERN.test(file.name)) };
};

export const uploadFiles = (token: string, files: readonly File[], onProgress: (progress: UploadProgress) => void): UploadHandle => {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadResult>((resolve, reject) => {
    const form = new FormData();
    for (const file of files) {
      form.append('files', file, file.name);
    }
    xhr.open('POST', '/api/uploads');
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress({ loadedBytes: event.loaded, totalBytes: event.lengthComputable ? event.total : 0 });
    xhr.onload = () => {
      const body = xhr.response as (UploadResult & { error?: { code: string; message: string } }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body !== null) {
        resolve(body);
      } else {
        reject(new ApiError(body?.error?.code ?? `HTTP_${xhr.status}`, body?.error?.message ?? `Upload failed (${xhr.status})`, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 'The upload was interrupted.', 0));
    xhr.onabort = () => reject(new ApiError('ABORTED', 'Upload cancelled.', 0));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
};
