/**
 * Báo cáo: the province's scorecard by commune (rank and points per criteria group, a chart per
 * group, the phase selector, CSV), with satisfaction and the tracking book on their own pages
 * (reports-more.tsx). Officers see their own subtree, inspectors and administrators everything,
 * exactly as the reports API decides.
 */
import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { canSeeUnit } from '../../auth/policy.js';
import { vnDate } from '../../clock/index.js';
import { CSV_BOM } from '../../reports/index.js';
import type { ReportService, ScorecardQuery } from '../../service/report-service.js';
import { barChartSvg } from '../charts.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateVn, numberVn, percentVn } from '../format.js';
import { requireSession } from '../guard.js';
import { Layout } from '../layout.js';
import { registerMoreReportRoutes } from './reports-more.js';

const TABS = [
  { href: '/bao-cao', label: 'Bảng điểm' },
  { href: '/bao-cao/hai-long', label: 'Mức độ hài lòng' },
  { href: '/bao-cao/so-theo-doi', label: 'Sổ theo dõi hồ sơ' },
] as const;

/** The period and unit every report page reads from its query. */
export interface ReportFilters {
  unit: string;
  from: string;
  to: string;
}

/** Filters from the query, defaulting to the user's unit and the current month up to today. */
export function reportFilters(c: Context<WebEnv>, deps: WebDeps): ReportFilters {
  const session = requireSession(c);
  const today = vnDate(deps.clock.now());
  const day = (v: string | undefined, fallback: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : fallback);
  const unit = c.req.query('unit') ?? '';
  return { unit: deps.units.get(unit) ? unit : session.actor.unitId, from: day(c.req.query('from'), `${today.slice(0, 8)}01`), to: day(c.req.query('to'), today) };
}

/** The frame of every report page: tabs, the unit and period form, then the page. */
export const ReportFrame = (p: { c: Context<WebEnv>; deps: WebDeps; title: string; tab: string; f: ReportFilters; extra?: Child; children?: Child }) => {
  const session = requireSession(p.c);
  const units = p.deps.units.all().filter((u) => canSeeUnit(session.actor, u.path));
  return (
    <Layout title={p.title} session={session} active="reports">
      <h1>{p.title}</h1>
      <nav class="actions" aria-label="Báo cáo">
        {TABS.map((t) => (
          <a class={t.href === p.tab ? 'button' : 'button secondary'} href={t.href} aria-current={t.href === p.tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <form method="get" action={p.tab} class="card filters">
        <div class="field">
          <label for="unit">Đơn vị</label>
          <select id="unit" name="unit">
            {units.map((u) => (
              <option value={u.id} selected={u.id === p.f.unit}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="from">Từ ngày</label>
          <input id="from" name="from" type="date" value={p.f.from} />
        </div>
        <div class="field">
          <label for="to">Đến ngày</label>
          <input id="to" name="to" type="date" value={p.f.to} />
        </div>
        {p.extra ?? <span />}
        <div class="actions">
          <button type="submit">Xem</button>
        </div>
      </form>
      {p.children}
    </Layout>
  );
};

/** The report service, or a 503 page saying it is not running here. */
export function reportsOr(c: Context<WebEnv>, deps: WebDeps, tab: string): ReportService | Response | Promise<Response> {
  requireSession(c);
  if (deps.reports) return deps.reports;
  return c.html(
    <ReportFrame c={c} deps={deps} title="Báo cáo" tab={tab} f={reportFilters(c, deps)}>
      <div class="alert error" role="alert">
        Máy chủ này chưa bật dịch vụ báo cáo.
      </div>
    </ReportFrame>,
    503,
  );
}

function scorecardQuery(c: Context<WebEnv>, deps: WebDeps): ScorecardQuery & { phaseName: string } {
  const f = reportFilters(c, deps);
  const phase = (c.req.query('phase') ?? '').trim();
  const known = deps.scorecard?.phases.some((p) => p.name === phase) ?? false;
  return { unit: f.unit, from: f.from, to: f.to, phase: known ? phase : undefined, phaseName: known ? phase : '' };
}

export function registerReportRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  registerMoreReportRoutes(web, deps);

  web.get('/bao-cao', async (c) => {
    const reports = reportsOr(c, deps, '/bao-cao');
    if (!('scorecard' in reports)) return reports;
    const session = requireSession(c);
    const q = scorecardQuery(c, deps);
    const f = reportFilters(c, deps);
    const report = await reports.scorecard(session.actor, q);
    const units = [...report.units].sort((a, b) => a.rank - b.rank || b.total - a.total || a.unit_name.localeCompare(b.unit_name, 'vi'));
    const groups = units[0]?.groups ?? [];
    const csv = new URLSearchParams({ unit: f.unit, from: f.from, to: f.to, ...(q.phase ? { phase: q.phase } : {}) });
    const phaseSelect = (
      <div class="field">
        <label for="phase">Giai đoạn</label>
        <select id="phase" name="phase">
          <option value="">Theo ngày cuối kỳ</option>
          {(deps.scorecard?.phases ?? []).map((p) => (
            <option value={p.name} selected={p.name === q.phaseName}>
              {p.name} ({dateVn(p.from)}–{dateVn(p.to)})
            </option>
          ))}
        </select>
      </div>
    );
    return c.html(
      <ReportFrame c={c} deps={deps} title="Bảng điểm đánh giá đơn vị" tab="/bao-cao" f={f} extra={phaseSelect}>
        <p class="muted">
          Kỳ {dateVn(f.from)}–{dateVn(f.to)}; {report.phase ? `giai đoạn ${report.phase}` : `giai đoạn áp dụng ngày ${dateVn(report.phase_date ?? f.to)}`}. <a href={`/bao-cao/csv?${csv.toString()}`}>Tải bảng điểm (CSV)</a>
        </p>
        {units.length === 0 ? <p class="card">Không có đơn vị nào được chấm điểm trong kỳ này.</p> : null}
        {units.length > 0 ? (
          <div class="table-wrap">
            <table class="cards" aria-label="Bảng điểm">
              <thead>
                <tr>
                  <th scope="col">Xếp hạng</th>
                  <th scope="col">Đơn vị</th>
                  {groups.map((g) => (
                    <th scope="col" class="num">
                      {g.title} ({numberVn(g.max_points)})
                    </th>
                  ))}
                  <th scope="col" class="num">
                    Tổng điểm
                  </th>
                </tr>
              </thead>
              <tbody>
                {units.map((u) => (
                  <tr>
                    <td data-label="Xếp hạng">
                      {u.rank}/{u.siblings}
                    </td>
                    <td data-label="Đơn vị">{u.unit_name}</td>
                    {u.groups.map((g) => (
                      <td data-label={g.title} class="num">
                        {numberVn(g.points, 2)}
                      </td>
                    ))}
                    <td data-label="Tổng điểm" class="num">
                      <strong>{numberVn(u.total, 2)}</strong>/{numberVn(u.max_total)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {groups.map((g, i) => (
          <section class="card chart" aria-labelledby={`h-group-${i}`}>
            <h2 id={`h-group-${i}`}>{g.title}</h2>
            {raw(barChartSvg(`${g.title}: điểm theo đơn vị`, units.map((u) => ({ label: u.unit_name, value: u.groups[i]?.points ?? 0, max: u.groups[i]?.max_points ?? g.max_points })), 2))}
          </section>
        ))}
        {units.map((u) => (
          <details class="card">
            <summary>Chi tiết các chỉ tiêu: {u.unit_name}</summary>
            <div class="table-wrap">
              <table class="cards">
                <thead>
                  <tr>
                    <th scope="col">Chỉ tiêu</th>
                    <th scope="col" class="num">
                      Giá trị
                    </th>
                    <th scope="col" class="num">
                      Tử số / mẫu số
                    </th>
                    <th scope="col" class="num">
                      Ngưỡng
                    </th>
                    <th scope="col" class="num">
                      Điểm
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {u.groups.flatMap((g) =>
                    g.indicators.map((ind) => (
                      <tr>
                        <td data-label="Chỉ tiêu">{ind.title}</td>
                        <td data-label="Giá trị" class="num">
                          {ind.value === null ? 'Không có dữ liệu' : ind.unit === 'share' ? percentVn(ind.value) : `${numberVn(ind.value, 1)} ngày`}
                        </td>
                        <td data-label="Tử số / mẫu số" class="num">
                          {numberVn(ind.numerator, ind.unit === 'share' ? 0 : 1)} / {numberVn(ind.denominator)}
                        </td>
                        <td data-label="Ngưỡng" class="num">
                          {ind.unit === 'share' ? percentVn(ind.threshold) : `${numberVn(ind.threshold, 1)} ngày`}
                        </td>
                        <td data-label="Điểm" class="num">
                          {numberVn(ind.points, 2)}/{numberVn(ind.max_points, 2)}
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          </details>
        ))}
      </ReportFrame>,
    );
  });

  web.get('/bao-cao/csv', async (c) => {
    const reports = reportsOr(c, deps, '/bao-cao');
    if (!('scorecardCsv' in reports)) return reports;
    const text = await reports.scorecardCsv(requireSession(c).actor, scorecardQuery(c, deps));
    return c.body(CSV_BOM + text, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="bang-diem.csv"' });
  });
}
