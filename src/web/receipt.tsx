/**
 * The receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as one printable A4 page: unit,
 * dossier code, procedure, applicant, received at, appointment date, the lookup PIN (only at
 * intake: it is never stored in the clear), and a QR code of the public lookup address.
 */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { WebEnv } from './deps.js';
import { dateTimeVn, dateVn } from './format.js';

export interface ReceiptData {
  parentUnitName: string | null;
  unitName: string;
  code: string;
  procedureTitle: string;
  procedureCode: string;
  applicantName: string;
  receivedAt: string;
  dueAt: string | null;
  /** Shown once, at intake; null on a reprint. */
  pin: string | null;
  lookupUrl: string;
  officerName: string;
  /** Whether /qr can draw the code. */
  qr: boolean;
  caseId: string;
}

/** The public lookup address for a dossier code, absolute (the QR code leaves the building). */
export function lookupUrl(c: Context<WebEnv>, publicUrl: string | null, code: string): string {
  let origin: string;
  if (publicUrl) origin = publicUrl;
  else {
    const url = new URL(c.req.url);
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() ?? url.protocol.replace(':', '');
    origin = `${proto === 'https' ? 'https' : 'http'}://${url.host}`;
  }
  return `${origin}/tra-cuu?code=${encodeURIComponent(code)}`;
}

function dayWords(iso: string): string {
  const d = dateVn(iso);
  const [day, month, year] = d.split('/');
  return `ngày ${day} tháng ${month} năm ${year}`;
}

/** The printable receipt. */
export const Receipt: FC<{ r: ReceiptData }> = ({ r }) => (
  <>
    <div class="actions no-print">
      <button type="button" data-print="1">
        In giấy tiếp nhận
      </button>
      <a class="button secondary" href={`/ho-so/${encodeURIComponent(r.caseId)}`}>
        Mở hồ sơ
      </a>
      <a class="button secondary" href="/ho-so/moi">
        Tiếp nhận hồ sơ khác
      </a>
    </div>
    <article class="receipt" aria-label="Giấy tiếp nhận hồ sơ và hẹn trả kết quả">
      <div class="head">
        <div>
          {r.parentUnitName ? <span>{r.parentUnitName.toUpperCase()}</span> : null}
          <strong>{r.unitName.toUpperCase()}</strong>
          <span>Bộ phận Một cửa</span>
        </div>
        <div>
          <strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>
          <strong>Độc lập - Tự do - Hạnh phúc</strong>
          <em>{dayWords(r.receivedAt)}</em>
        </div>
      </div>
      <h1>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h1>
      <p class="sub">Mã hồ sơ: {r.code}</p>
      <table>
        <tbody>
          <tr>
            <td>Đơn vị tiếp nhận:</td>
            <td>{r.unitName}</td>
          </tr>
          <tr>
            <td>Người nộp hồ sơ:</td>
            <td>
              <strong>{r.applicantName}</strong>
            </td>
          </tr>
          <tr>
            <td>Thủ tục hành chính:</td>
            <td>
              {r.procedureTitle} (mã {r.procedureCode})
            </td>
          </tr>
          <tr>
            <td>Mã hồ sơ:</td>
            <td>
              <strong>{r.code}</strong>
            </td>
          </tr>
          <tr>
            <td>Thời gian tiếp nhận:</td>
            <td>{dateTimeVn(r.receivedAt)}</td>
          </tr>
          <tr>
            <td>Ngày hẹn trả kết quả:</td>
            <td>
              <strong>{r.dueAt ? dateTimeVn(r.dueAt) : 'Sẽ hẹn khi hồ sơ được tiếp nhận đầy đủ'}</strong>
            </td>
          </tr>
        </tbody>
      </table>
      <div class="pinbox">
        {r.qr ? <img src={`/qr?data=${encodeURIComponent(r.lookupUrl)}`} alt="Mã QR của địa chỉ tra cứu hồ sơ" /> : null}
        <div>
          <div>Tra cứu tình trạng hồ sơ tại:</div>
          <div>
            <strong>{r.lookupUrl}</strong>
          </div>
          <div>
            Mã tra cứu (PIN): {r.pin ? <span class="pin">{r.pin}</span> : <em>đã in trên giấy tiếp nhận lần đầu</em>}
          </div>
          <div class="muted">Giữ kín mã tra cứu; chỉ dùng để xem và đánh giá hồ sơ này.</div>
        </div>
      </div>
      <div class="sign">
        <div>
          <strong>Người nộp hồ sơ</strong>
          <div>
            <em>(Ký và ghi rõ họ tên)</em>
          </div>
          <div class="space" />
          <div>{r.applicantName}</div>
        </div>
        <div>
          <strong>Cán bộ tiếp nhận</strong>
          <div>
            <em>(Ký và ghi rõ họ tên)</em>
          </div>
          <div class="space" />
          <div>{r.officerName}</div>
        </div>
      </div>
    </article>
  </>
);
