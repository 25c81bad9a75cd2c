// The ceiling: node:http answering the handler's JSON with no framework and no adapter.
import http from 'node:http';
import { BODY, listenAddress } from './common.ts';

const { host, port } = listenAddress();
http
  .createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length }).end(BODY);
  })
  .listen(port, host);
