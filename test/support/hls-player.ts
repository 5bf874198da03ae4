/** A minimal hls.js page for tests: plays `source`, muted, and records fatal errors and the ladder's heights. */
export const hlsPlayerPage = (source: string, hlsScript = '/lib/hls.min.js'): string => `<!doctype html><video id="v" muted playsinline></video><script src="${hlsScript}"></script>
<script>
  window.errors = [];
  const video = document.getElementById('v');
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.errors.push(data.type + ':' + data.details); });
  hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => { window.levels = data.levels.map((level) => level.height); video.play(); });
  hls.loadSource(${JSON.stringify(source)});
  hls.attachMedia(video);
</script>`;
