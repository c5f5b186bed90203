// req.log and req.route are accessors on the app's request prototype (made once, not per request):
// each request must still get its own child logger and its own route in the metrics.
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../src/http/request-logging.ts';
import { requestMeasure } from '../../src/http/request-metrics.ts';
import { captureLogs } from '../helpers/app.ts';

describe('request logging and metrics on the request prototype', () => {
  it("gives each request a child logger carrying that request's id", async () => {
    const { logger, entries } = captureLogs('info');
    const app = express();
    const begin = requestLog(logger);
    app.use((req, res, next) => {
      res.setHeader('X-Request-Id', begin(req, res));
      next();
    });
    app.get('/hello', (req, res) => {
      req.log.info('handler says hello');
      res.end();
    });
    await request(app).get('/hello').set('X-Request-Id', 'first-request-1').expect(200);
    await request(app).get('/hello').set('X-Request-Id', 'second-request-2').expect(200);
    const hellos = entries().filter((e) => e.msg === 'handler says hello');
    expect(hellos.map((e) => e.reqId)).toEqual(['first-request-1', 'second-request-2']);
  });

  it('labels each request with the route it matched, and an unmatched one as such', async () => {
    const seen: string[] = [];
    const app = express();
    const begin = requestMeasure({ httpRequest: ({ route }) => void seen.push(route) });
    app.use((req, res, next) => {
      begin(req, res);
      next();
    });
    const router = express.Router();
    router.get('/items/:id', (_req, res) => void res.end());
    app.use('/api', router);
    await request(app).get('/api/items/1').expect(200);
    await request(app).get('/nowhere').expect(404);
    await request(app).get('/API/items/2').expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['/api/items/:id', 'unmatched', '/api/items/:id']);
  });
});
