/**
 * Kiểm tra toàn vẹn: the verify button. The server runs the same verifier an inspector runs
 * offline (every leaf, every link, every checkpoint's signature and Merkle root), optionally
 * against a checkpoint the inspector saved earlier, and shows the report in plain words.
 */
import type { Context, Hono } from 'hono';
import type { VerifyReport } from '../../audit/index.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { numberVn } from '../format.js';
import { readForm, requireSession } from '../guard.js';
import { Alert, Csrf } from '../layout.js';
import { AuditFrame, auditOr } from './audit.js';

const Report = (p: { r: VerifyReport }) => {
  const r = p.r;
  const badCheckpoints = r.checkpoints.filter((c) => !(c.signatureOk && c.rootOk && c.chainOk));
  return (
    <section class="card" aria-labelledby="h-report">
      <h2 id="h-report">Kết quả kiểm tra</h2>
      {r.ok ? (
        <Alert kind="ok">
          <strong>Nhật ký toàn vẹn:</strong> mọi kiểm tra đều đạt.
        </Alert>
      ) : (
        <Alert kind="error">
          <strong>Nhật ký KHÔNG toàn vẹn.</strong> {r.firstBad ? `Bản ghi sai đầu tiên: số ${r.firstBad.seq} (${r.firstBad.problem}).` : ''}
        </Alert>
      )}
      <dl class="facts">
        <dt>Nhật ký</dt>
        <dd>{r.origin ?? '(không rõ)'}</dd>
        <dt>Số bản ghi đã kiểm tra</dt>
        <dd>{numberVn(r.entriesChecked)}</dd>
        <dt>Bản ghi cuối</dt>
        <dd>{numberVn(r.lastSeq)}</dd>
        <dt>Khoảng trống</dt>
        <dd>{r.gaps.length === 0 ? 'Không có' : r.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}–${g.to}`)).join(', ')}</dd>
        <dt>Điểm kiểm soát</dt>
        <dd>
          {numberVn(r.checkpointCount)} điểm, {numberVn(r.checkpointsValid)} hợp lệ
        </dd>
        <dt>Đã ký đến bản ghi</dt>
        <dd>
          {numberVn(r.signedSize)}
          {r.unsignedTail > 0 ? ` (${numberVn(r.unsignedTail)} bản ghi sau đó chỉ được bảo vệ bằng chuỗi băm)` : ''}
        </dd>
        <dt>Điểm kiểm soát đã lưu</dt>
        <dd>{r.pinned ? (r.pinned.consistent ? `Khớp (kích thước ${r.pinned.size ?? '?'})` : `KHÔNG khớp: ${r.pinned.problem ?? ''}`) : 'Không đưa vào'}</dd>
      </dl>
      {r.problems.length > 0 ? (
        <>
          <h3>Các lỗi ({numberVn(r.problemCount)})</h3>
          <ul class="findings">
            {r.problems.map((p) => (
              <li class="error">
                {p.seq !== null ? `bản ghi ${p.seq}: ` : ''}
                {p.problem}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {badCheckpoints.length > 0 ? (
        <ul class="findings">
          {badCheckpoints.map((c) => (
            <li class="error">
              điểm kiểm soát kích thước {c.size ?? '?'}: {c.signatureOk ? 'chữ ký đúng' : 'chữ ký KHÔNG hợp lệ'}; {c.problem ?? 'gốc Merkle hoặc mã băm cuối chuỗi không khớp'}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
};

export function registerAuditVerifyRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const page = (c: Context<WebEnv>, csrf: string, pinned: string, report: VerifyReport | null) =>
    c.html(
      <AuditFrame c={c} title="Kiểm tra toàn vẹn nhật ký" tab="/nhat-ky/kiem-tra">
        <p class="muted">
          Máy chủ tính lại mọi mã băm, mọi liên kết chuỗi và chữ ký của mọi điểm kiểm soát, như khi thanh tra tự kiểm tra bản tải xuống bằng lệnh <code>motcua audit verify</code>. Người nắm khóa ký có thể ký lại một nhật ký đã sửa: hãy dán một điểm kiểm soát đã lưu trước đây để phát hiện điều đó.
        </p>
        <form method="post" action="/nhat-ky/kiem-tra" class="card" data-once="1">
          <Csrf token={csrf} />
          <div class="field">
            <label for="pinned">Điểm kiểm soát đã lưu trước đây (không bắt buộc)</label>
            <textarea id="pinned" name="pinned" class="code short" spellcheck={false}>
              {pinned}
            </textarea>
          </div>
          <button type="submit">Kiểm tra toàn vẹn nhật ký</button>
        </form>
        {report ? <Report r={report} /> : null}
      </AuditFrame>,
    );

  web.get('/nhat-ky/kiem-tra', (c) => {
    const audit = auditOr(c, deps);
    if (!('verify' in audit)) return audit;
    return page(c, requireSession(c).csrf, '', null);
  });

  web.post('/nhat-ky/kiem-tra', async (c) => {
    const audit = auditOr(c, deps);
    if (!('verify' in audit)) return audit;
    const session = requireSession(c);
    const form = await readForm(c, deps);
    const raw = form.get('pinned');
    // A signed note is exact bytes: keep it as pasted, only with the browser's CRLF undone.
    const pinned = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n') : '';
    const note = pinned.trim() === '' ? undefined : pinned.endsWith('\n') ? pinned : `${pinned}\n`;
    const report = await audit.verify(session.actor, note);
    return page(c, session.csrf, pinned, report);
  });
}
