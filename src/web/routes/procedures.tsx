/**
 * Thủ tục: the catalogue with versions and effective dates, and one procedure's page with its
 * states drawn as a diagram, its deadlines, its transitions and its YAML source.
 */
import type { Hono } from 'hono';
import { raw } from 'hono/html';
import { isAdmin } from '../../auth/policy.js';
import { vnDate } from '../../clock/index.js';
import { MotcuaError } from '../../errors/index.js';
import type { ProcedureDefinition } from '../../definitions/schema.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateVn, durationVn } from '../format.js';
import { requireSession } from '../guard.js';
import { Alert, Layout } from '../layout.js';
import { OUTCOME_LABELS, roleLabel, statusLabel } from '../labels.js';
import { allStates } from '../procedure-info.js';
import { stateDiagramSvg } from '../state-diagram.js';
import { registerUploadRoutes } from './procedure-upload.js';

/** The statutory deadline in words, with its conditional rules. */
export function deadlineVn(def: ProcedureDefinition): string {
  const d = def.deadline;
  if (typeof d === 'string') return durationVn(d);
  return `${durationVn(d.default)}; ${d.rules.map((r) => `${durationVn(r.duration)} khi ${r.when}`).join('; ')}`;
}

const Catalogue = (p: { deps: WebDeps; admin: boolean }) => {
  const today = vnDate(p.deps.clock.now());
  const rows = p.deps.catalog
    .ids()
    .map((id) => ({ id, versions: p.deps.catalog.versionsOf(id), inForce: p.deps.catalog.inForce(id, today) }))
    .filter((r) => r.versions.length > 0)
    .sort((a, b) => (a.versions.at(-1)?.definition.title ?? '').localeCompare(b.versions.at(-1)?.definition.title ?? '', 'vi'));
  return (
    <>
      {p.admin ? (
        <p class="actions">
          <a class="button" href="/thu-tuc/tai-len">
            Tải lên thủ tục hoặc phiên bản mới
          </a>
        </p>
      ) : null}
      <div class="table-wrap">
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">Thủ tục</th>
              <th scope="col">Mã quốc gia</th>
              <th scope="col">Thời hạn giải quyết</th>
              <th scope="col">Phiên bản đang áp dụng</th>
              <th scope="col">Các phiên bản</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const shown = (r.inForce ?? r.versions.at(-1))!.definition;
              return (
                <tr>
                  <td data-label="Thủ tục">
                    <a href={`/thu-tuc/${encodeURIComponent(r.id)}`}>{shown.title}</a>
                  </td>
                  <td data-label="Mã quốc gia">{shown.code}</td>
                  <td data-label="Thời hạn">{deadlineVn(shown)}</td>
                  <td data-label="Đang áp dụng">{r.inForce ? `Phiên bản ${r.inForce.definition.version}` : 'Chưa có hiệu lực'}</td>
                  <td data-label="Các phiên bản">
                    {r.versions.map((v) => (
                      <div>
                        <a href={`/thu-tuc/${encodeURIComponent(r.id)}?v=${v.definition.version}`}>Phiên bản {v.definition.version}</a> · hiệu lực từ {dateVn(v.definition.effective_from)}
                      </div>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
};

const Transitions = (p: { def: ProcedureDefinition }) => {
  const rows = allStates(p.def).flatMap((s) =>
    Object.entries(s.node.on ?? {}).flatMap(([event, t]) => (Array.isArray(t) ? t : [t]).map((alt) => ({ from: s, event, alt }))),
  );
  const titleOf = (name: string) => allStates(p.def).find((s) => s.name === name)?.node.title ?? name;
  return (
    <div class="table-wrap">
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Từ bước</th>
            <th scope="col">Thao tác</th>
            <th scope="col">Sang bước</th>
            <th scope="col">Người thực hiện</th>
            <th scope="col">Điều kiện, thông tin cần nhập</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td data-label="Từ bước">{r.from.node.title ?? r.from.name}</td>
              <td data-label="Thao tác">
                {r.alt.title ?? r.event} <span class="muted">({r.event})</span>
              </td>
              <td data-label="Sang bước">{r.alt.to ? titleOf(r.alt.to) : '(giữ nguyên)'}</td>
              <td data-label="Người thực hiện">{r.alt.roles?.length ? r.alt.roles.map(roleLabel).join(', ') : 'Hệ thống (hẹn giờ)'}</td>
              <td data-label="Điều kiện">
                {r.alt.when ? <code>{r.alt.when}</code> : null}
                {r.alt.input?.required?.length ? <div>Bắt buộc: {r.alt.input.required.join(', ')}</div> : null}
                {r.alt.starts_clock ? <div>Bắt đầu tính thời hạn</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const Steps = (p: { def: ProcedureDefinition }) => (
  <div class="table-wrap">
    <table class="cards">
      <thead>
        <tr>
          <th scope="col">Bước</th>
          <th scope="col">Trạng thái quốc gia</th>
          <th scope="col">Thời hạn của bước</th>
          <th scope="col">Hẹn giờ</th>
          <th scope="col">Ghi chú</th>
        </tr>
      </thead>
      <tbody>
        {allStates(p.def).map((s) => (
          <tr>
            <td data-label="Bước">
              {s.depth > 0 ? `${'↳ '.repeat(s.depth)}` : ''}
              {s.node.title ?? s.name} <span class="muted">({s.name})</span>
            </td>
            <td data-label="Trạng thái">{s.node.status !== undefined ? `${s.node.status} · ${statusLabel(s.node.status)}` : '—'}</td>
            <td data-label="Thời hạn bước">{s.node.target ? durationVn(s.node.target) : '—'}</td>
            <td data-label="Hẹn giờ">
              {Object.entries(s.node.after ?? {}).map(([d, e]) => (
                <div>
                  Sau {durationVn(d)}: {e}
                </div>
              ))}
            </td>
            <td data-label="Ghi chú">
              {s.name === p.def.initial ? 'Bước đầu tiên. ' : ''}
              {s.node.clock === 'paused' ? 'Không tính vào thời hạn. ' : ''}
              {s.node.final ? (s.node.outcome ? `Kết thúc: ${OUTCOME_LABELS[s.node.outcome] ?? s.node.outcome}` : 'Kết thúc nhánh') : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export function registerProcedureRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  registerUploadRoutes(web, deps);

  web.get('/thu-tuc', (c) => {
    const session = requireSession(c);
    return c.html(
      <Layout title="Thủ tục hành chính" session={session} active="procedures">
        <h1>Thủ tục hành chính</h1>
        <Catalogue deps={deps} admin={isAdmin(session.actor)} />
      </Layout>,
    );
  });

  web.get('/thu-tuc/:id', (c) => {
    const session = requireSession(c);
    const id = c.req.param('id');
    const versions = deps.catalog.versionsOf(id);
    const asked = Number(c.req.query('v'));
    const entry = Number.isInteger(asked) && asked > 0 ? deps.catalog.get(id, asked) : (deps.catalog.inForce(id, vnDate(deps.clock.now())) ?? versions.at(-1));
    if (!entry) throw new MotcuaError('procedureNotFound', `No procedure '${id}'.`);
    const def = entry.definition;
    return c.html(
      <Layout title={def.title} session={session} active="procedures">
        <h1>
          {def.title} <span class="muted">· phiên bản {def.version}</span>
        </h1>
        {c.req.query('ok') ? <Alert kind="ok">Đã công bố phiên bản {def.version}. Hồ sơ đang giải quyết vẫn theo phiên bản cũ.</Alert> : null}
        <section class="card">
          <dl class="facts">
            <dt>Mã thủ tục quốc gia</dt>
            <dd>{def.code}</dd>
            <dt>Thời hạn giải quyết</dt>
            <dd>
              <strong>{deadlineVn(def)}</strong>, kể từ khi nhận đủ hồ sơ hợp lệ
            </dd>
            <dt>Hiệu lực từ</dt>
            <dd>{dateVn(def.effective_from)}</dd>
            <dt>Cấp thực hiện</dt>
            <dd>{def.unit_level === 'commune' ? 'Công an cấp xã' : 'Công an cấp tỉnh'}</dd>
            <dt>Vai trò</dt>
            <dd>{def.roles.map(roleLabel).join(', ')}</dd>
            <dt>Căn cứ pháp lý</dt>
            <dd>
              <ul>
                {def.legal_basis.map((l) => (
                  <li>{l}</li>
                ))}
              </ul>
            </dd>
            <dt>Các phiên bản</dt>
            <dd>
              {versions.map((v) => (
                <div>
                  {v.definition.version === def.version ? <strong>Phiên bản {v.definition.version}</strong> : <a href={`/thu-tuc/${encodeURIComponent(id)}?v=${v.definition.version}`}>Phiên bản {v.definition.version}</a>} · hiệu lực từ {dateVn(v.definition.effective_from)}
                </div>
              ))}
            </dd>
          </dl>
        </section>
        <h2>Sơ đồ các bước</h2>
        <div class="diagram">{raw(stateDiagramSvg(def))}</div>
        <h2>Các bước và thời hạn</h2>
        <Steps def={def} />
        <h2>Thao tác chuyển bước</h2>
        <Transitions def={def} />
        <details class="card">
          <summary>Mã nguồn YAML</summary>
          <pre class="note">{entry.source}</pre>
        </details>
      </Layout>,
    );
  });
}
