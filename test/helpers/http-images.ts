// A plain HTTP server for lab tests: serves image bytes at /<token>/<file>.
import http from 'node:http';

export interface ImageServer { url(file: string): string; close(): Promise<void>; requests: string[] }

export async function serveImages(images: { file: string; bytes: Buffer }[], token = 'tok'): Promise<ImageServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const img = images.find((i) => req.url === `/${token}/${i.file}`);
    if (!img) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': img.bytes.length, 'content-type': 'application/octet-stream' });
    res.end(img.bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    requests,
    url: (file) => `http://127.0.0.1:${port}/${token}/${file}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
