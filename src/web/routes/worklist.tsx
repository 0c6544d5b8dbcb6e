/**
 * Hồ sơ cần xử lý: the open dossiers the user may see, most urgent first, with nearly-due
 * (amber) and overdue (red) marks and the working days left; filters, search and pages.
 */
import type { Hono } from 'hono';
import { isMotcuaError } from '../../errors/index.js';
import type { CaseView } from '../../service/case-view.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { daysLeftVn, dateTimeVn, dateVn } from '../format.js';
import { recordRead, requireSession } from '../guard.js';
import { DeadlineBadge, Layout } from '../layout.js';
import { statusLabel } from '../labels.js';
import { procedureOptions, stateOptions, stateTitle } from '../procedure-info.js';

/** Dossiers per page. */
export const WORKLIST_PAGE = 25;

interface Filters {
  procedure: string;
  state: string;
  overdue: boolean;
  q: string;
  cursor: string;
}

function readFilters(query: (name: string) => string | undefined): Filters {
  const clip = (v: string | undefined, n: number) => (v ?? '').trim().slice(0, n);
  return { procedure: clip(query('procedure'), 64), state: clip(query('state'), 64), overdue: query('overdue') === 'true', q: clip(query('q'), 100), cursor: clip(query('cursor'), 500) };
}

function pageUrl(f: Filters, cursor: string | null): string {
  const p = new URLSearchParams();
  if (f.procedure) p.set('procedure', f.procedure);
  if (f.state) p.set('state', f.state);
  if (f.overdue) p.set('overdue', 'true');
  if (f.q) p.set('q', f.q);
  if (cursor) p.set('cursor', cursor);
  const s = p.toString();
  return s ? `/ho-so?${s}` : '/ho-so';
}

/** Working days left and the words for them, or the reason there is no count. */
export function deadlineText(deps: WebDeps, c: CaseView, now: Date): string {
  if (c.due_at === null) return 'Chưa tính hạn';
  if (c.paused) return 'Tạm dừng tính hạn';
  const days = deps.calendars.forUnit(c.unit.id).workingDaysBetween(now, new Date(c.due_at));
  return daysLeftVn(days, c.overdue);
}

const Row = (props: { c: CaseView; deps: WebDeps; now: Date }) => {
  const c = props.c;
  const tone = c.overdue ? 'red' : c.nearly_due ? 'amber' : undefined;
  const applicant = typeof c.applicant['name'] === 'string' ? c.applicant['name'] : '';
  return (
    <tr class={tone}>
      <td data-label="Mã hồ sơ">
        <a href={`/ho-so/${encodeURIComponent(c.id)}`}>{c.code}</a>
      </td>
      <td data-label="Thủ tục">{c.procedure.title}</td>
      <td data-label="Người nộp">{applicant}</td>
      <td data-label="Trạng thái">
        {stateTitle(props.deps, c)}
        <br />
        <span class="muted">{statusLabel(c.status_code)}</span>
      </td>
      <td data-label="Ngày nhận">{dateTimeVn(c.received_at)}</td>
      <td data-label="Hẹn trả">{dateVn(c.due_at)}</td>
      <td data-label="Thời hạn">
        <DeadlineBadge overdue={c.overdue} nearlyDue={c.nearly_due} /> {deadlineText(props.deps, c, props.now)}
      </td>
    </tr>
  );
};

export function registerWorklistRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/ho-so', async (c) => {
    const session = requireSession(c);
    const f = readFilters((n) => c.req.query(n));
    let page: Awaited<ReturnType<WebDeps['cases']['list']>>;
    try {
      page = await deps.cases.list(session.actor, {
        open: true,
        sort: 'due_at',
        limit: WORKLIST_PAGE,
        procedure: f.procedure || undefined,
        state: f.state || undefined,
        overdue: f.overdue || undefined,
        q: f.q || undefined,
        cursor: f.cursor || undefined,
      });
    } catch (e) {
      // A "next page" link from another listing (filters changed by hand, or a page from before
      // an upgrade): the first page of this listing, not an error page.
      if (f.cursor !== '' && isMotcuaError(e, 'badRequest')) return c.redirect(pageUrl(f, null), 303);
      throw e;
    }
    await recordRead(deps, session.actor, page.items.map((i) => i.id), 'GET /ho-so');
    const now = deps.clock.now();
    const procedures = procedureOptions(deps);
    const states = stateOptions(deps, f.procedure || undefined);
    const filtered = f.procedure !== '' || f.state !== '' || f.overdue || f.q !== '';
    return c.html(
      <Layout title="Hồ sơ cần xử lý" session={session} active="worklist" unitName={deps.units.get(session.actor.unitId)?.name}>
        <h1>Hồ sơ cần xử lý</h1>
        <form method="get" action="/ho-so" class="card filters" role="search">
          <div class="field">
            <label for="q">Tìm theo mã hồ sơ hoặc người nộp</label>
            <input id="q" name="q" type="search" value={f.q} maxlength={100} />
          </div>
          <div class="field">
            <label for="procedure">Thủ tục</label>
            <select id="procedure" name="procedure">
              <option value="">Tất cả thủ tục</option>
              {procedures.map((p) => (
                <option value={p.id} selected={p.id === f.procedure}>
                  {p.title}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="state">Bước xử lý</label>
            <select id="state" name="state">
              <option value="">Tất cả các bước</option>
              {states.map((s) => (
                <option value={s.name} selected={s.name === f.state}>
                  {s.title}
                </option>
              ))}
            </select>
          </div>
          <div class="field check">
            <label>
              <input type="checkbox" name="overdue" value="true" checked={f.overdue} /> Chỉ hồ sơ quá hạn
            </label>
          </div>
          <div class="actions">
            <button type="submit">Lọc</button>
            {filtered ? (
              <a class="button secondary" href="/ho-so">
                Bỏ lọc
              </a>
            ) : null}
          </div>
        </form>
        {page.items.length === 0 ? (
          <p class="card">{filtered ? 'Không có hồ sơ nào khớp bộ lọc.' : 'Không có hồ sơ nào đang chờ xử lý.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="cards" aria-label="Hồ sơ, hạn gần nhất trước">
              <thead>
                <tr>
                  <th scope="col">Mã hồ sơ</th>
                  <th scope="col">Thủ tục</th>
                  <th scope="col">Người nộp</th>
                  <th scope="col">Trạng thái</th>
                  <th scope="col">Ngày nhận</th>
                  <th scope="col">Hẹn trả</th>
                  <th scope="col">Thời hạn</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((item) => (
                  <Row c={item} deps={deps} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label="Trang">
          {f.cursor ? <a href={pageUrl(f, null)}>« Trang đầu</a> : <span />}
          {page.next_cursor ? <a href={pageUrl(f, page.next_cursor)}>Trang sau »</a> : null}
        </nav>
      </Layout>,
    );
  });
}
