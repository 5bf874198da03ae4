/**
 * Upload by drag and drop (recordings, a folder of them, or one archive) or by choosing files, with a progress
 * bar from XMLHttpRequest's upload events and the server's verdict per file.
 */
import { useEffect, useRef, useState, type DragEvent, type ReactElement } from 'react';
import type { UploadResult } from '../api/types';
import { pickUploadFiles, uploadFiles, type UploadHandle, type UploadProgress } from '../api/upload';
import { formatBytes } from '../shared/format';
import { Icon } from '../shared/icons';

type UploadState =
  | { status: 'idle' }
  | { status: 'uploading'; progress: UploadProgress; fileCount: number }
  | { status: 'done'; result: UploadResult }
  | { status: 'error'; message: string };

/** Files of a drop, folders walked (webkitGetAsEntry is in every current browser despite its name). */
const filesFromDrop = async (transfer: DataTransfer): Promise<File[]> => {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.every((entry) => entry === null)) {
    return [...transfer.files];
  }
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) {
          break;
        }
        for (const child of batch) {
          await walk(child);
        }
      }
    }
  };
  for (const entry of entries) {
    if (entry !== null) {
      await walk(entry);
    }
  }
  return files;
};

export const UploadZone = ({ token, onUploaded }: { token: string; onUploaded: () => void }): ReactElement => {
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle | null>(null);
  useEffect(() => () => handle.current?.abort(), []);

  const start = (all: File[]) => {
    const { send } = pickUploadFiles(all);
    if (send.length === 0) {
      setState({ status: 'error', message: 'Drop .mjr recordings (with their .nfo files) or one .zip / .tar / .tar.gz archive.' });
      return;
    }
    const totalBytes = send.reduce((sum, file) => sum + file.size, 0);
    setState({ status: 'uploading', progress: { loadedBytes: 0, totalBytes }, fileCount: send.length });
    const upload = uploadFiles(token, send, (progress) => setState({ status: 'uploading', progress, fileCount: send.length }));
    handle.current = upload;
    upload.promise
      .then((result) => {
        setState({ status: 'done', result });
        onUploaded();
      })
      .catch((error: unknown) => setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        handle.current = null;
      });
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    void filesFromDrop(event.dataTransfer).then(start);
  };
  const fraction = state.status === 'uploading' && state.progress.totalBytes > 0 ? state.progress.loadedBytes / state.progress.totalBytes : 0;

  return (
    <section
      className={`upload${dragging ? ' is-dragging' : ''}`}
      aria-label="Upload recordings"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <Icon name="upload" size={22} />
      <div className="upload-text">
        {state.status === 'uploading' ? (
          <>
            <p>
              Uploading {state.fileCount} {state.fileCount === 1 ? 'file' : 'files'}: {formatBytes(state.progress.loadedBytes)} of {formatBytes(state.progress.totalBytes)}
            </p>
            <div className="progress" role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
              <div className="progress-bar" style={{ width: `${fraction * 100}%` }} />
            </div>
          </>
        ) : (
          <p>
            <strong>Drop recordings here</strong> <span className="muted">.mjr files (and .nfo), a folder, or one .zip / .tar.gz</span>
          </p>
        )}
        {state.status === 'done' && (
          <p className="upload-result" role="status" data-session-ids={state.result.sessions.map((session) => session.id).join(' ')}>
            {state.result.sessions.length} {state.result.sessions.length === 1 ? 'session' : 'sessions'} added from {state.result.files.length} files
            {state.result.rejected.length > 0 && `; rejected: ${state.result.rejected.map((rejected) => `${rejected.file} (${rejected.message})`).join(', ')}`}
            {state.result.ignored.length > 0 && `; ignored: ${state.result.ignored.join(', ')}`}
          </p>
        )}
        {state.status === 'error' && (
          <p className="upload-error" role="alert">
            {state.message}
          </p>
        )}
      </div>
      {state.status === 'uploading' ? (
        <button type="button" className="button is-quiet" onClick={() => handle.current?.abort()}>
          Cancel
        </button>
      ) : (
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Choose files
        </button>
      )}
      <input
        ref={input}
        type="file"
        multiple
        accept=".mjr,.nfo,.zip,.tar,.gz,.tgz"
        hidden
        onChange={(event) => {
          start([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </section>
  );
};
