#!/usr/bin/env bash
# Checks recorded fixtures with the real tools: janus-pp-rec --header / --parse, conversion with
# janus-pp-rec, a full decode with ffmpeg, and the audio/video offset of every publisher measured
# with scripts/measure-sync.ts on the janus-pp-rec outputs (aligned by their .mjr `u` times).
#
# usage: scripts/recorder/check-fixtures.sh [DIR]   (default: test/fixtures/real, and its sub-folders)
set -uo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$REPO_DIR/test/fixtures/real}"
OUT="$(mktemp -d /tmp/reprise-check.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

# janus-pp-rec 1.1.2 picks the container from the extension; AV1 only goes to .mp4.
extension_for() {
  case "$1" in
    opus) echo opus ;;
    vp8|vp9) echo webm ;;
    h264|av1|h265) echo mp4 ;;
    text|binary) echo srt ;;
    *) echo unknown ;;
  esac
}

check_folder() {
  local folder="$1" file name codec ext packets target errors video user audio
  echo "## $folder"
  for file in "$folder"/*.mjr; do
    [[ -f "$file" ]] || continue
    name="$(basename "$file" .mjr)"
    codec="$(janus-pp-rec --header "$file" 2>&1 | awk '/-- Codec:/ { print $3 }')"
    ext="$(extension_for "$codec")"
    packets="$(janus-pp-rec --parse "$file" 2>&1 | grep -oE 'Counted [0-9]+ (RTP|frame) packets' | awk '{ printf "%s %s ", $2, $3 }')"
    target="$OUT/$name.$ext"
    if ! janus-pp-rec "$file" "$target" >"$OUT/$name.log" 2>&1; then
      echo "$name.mjr $(stat -c %s "$file") B, $codec, parse: ${packets}| janus-pp-rec FAILED: $(grep -m1 ERR "$OUT/$name.log")"
      continue
    fi
    errors=n/a
    if [[ "$ext" != srt ]]; then
      errors="$(ffmpeg -hide_banner -nostdin -v error -i "$target" -f null - 2>&1 | wc -l)"
    fi
    echo "$name.mjr $(stat -c %s "$file") B, $codec, parse: ${packets}| -> .$ext $(stat -c %s "$target") B, ffmpeg decode errors: $errors"
  done
  for video in "$OUT"/*-video-*.webm "$OUT"/*-video-*.mp4; do
    [[ -f "$video" ]] || continue
    user="$(basename "$video" | sed -E 's/^.*-user-(.+)-[0-9]{13,}-video-.*$/\1/')"
    audio="$(ls "$OUT"/*-user-"$user"-*-audio-*.opus 2>/dev/null | head -n 1)"
    [[ -n "$audio" ]] || continue
    echo "# publisher $user: $(ffprobe -v error -select_streams v -show_entries frame=width,height -of csv=p=0 "$video" | uniq -c | awk '{ printf "%s frames %s; ", $1, $2 }')"
    (cd "$REPO_DIR" && node --import tsx scripts/measure-sync.ts "$video" --audio "$audio" --align-janus) | grep -vE '^  beeps [0-9]+ Hz \(0\)'
  done
  rm -f "$OUT"/*
}

check_folder "$DIR"
for sub in "$DIR"/*/; do
  [[ -d "$sub" ]] && check_folder "${sub%/}"
done
