// A plain express route answering the same JSON: what express costs before the adapter.
import express from 'express';
import { MESSAGE, listenAddress } from './common.ts';

const { host, port } = listenAddress();
const app = express();
app.get('/', (_req, res) => {
  res.json(MESSAGE);
});
app.listen(port, host);
