import { expect, it } from 'vitest';
import { describeEachMotcua } from './cases-fixture.js';

describeEachMotcua('the OpenAPI document of the whole API', (ctx) => {
  it('is generated from every route and lists the case, deadline, audit, public and report routes', async () => {
    const res = await ctx().call('nobody', 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}/events', '/api/v1/cases/{id}/apology', '/api/v1/cases/{id}/control-slip', '/api/v1/calendar/due', '/api/v1/users', '/api/v1/units']),
    );
    // Every user route, the roles one with its body and answers.
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/users/{id}', '/api/v1/users/{id}/disable', '/api/v1/users/{id}/token', '/api/v1/users/{id}/roles']));
    const roles = res.body.paths['/api/v1/users/{id}/roles'].put;
    expect(Object.keys(roles.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '422']));
    expect(roles.requestBody.content['application/json'].schema).toMatchObject({ properties: { roles: { type: 'array' } }, required: ['roles'] });
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
