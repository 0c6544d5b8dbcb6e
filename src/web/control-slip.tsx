/** The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) as a table: one row per step. */
import type { FC } from 'hono/jsx';
import type { ProcedureDefinition } from '../definitions/schema.js';
import type { ControlSlipStep } from '../service/control-slip.js';
import { dateTimeVn, durationVn } from './format.js';
import { roleLabel } from './labels.js';
import { stateTitleIn } from './procedure-info.js';

const RESULT: Record<string, { text: string; tone: string }> = {
  early: { text: 'Trước hạn', tone: 'green' },
  on_time: { text: 'Đúng hạn', tone: 'green' },
  late: { text: 'Trễ hạn', tone: 'red' },
  in_progress: { text: 'Đang xử lý', tone: '' },
};

function who(p: { id: string; role: string | null } | null): string {
  if (!p) return '';
  return p.id === 'system' ? 'Hệ thống' : `${roleLabel(p.role)} (${p.id})`;
}

/** The slip's table. */
export const ControlSlipTable: FC<{ def: ProcedureDefinition | undefined; steps: ControlSlipStep[] }> = ({ def, steps }) => (
  <div class="table-wrap">
    <table class="cards">
      <thead>
        <tr>
          <th scope="col">Bước</th>
          <th scope="col">Nội dung</th>
          <th scope="col">Bên giao</th>
          <th scope="col">Bên nhận</th>
          <th scope="col">Nhận lúc</th>
          <th scope="col">Chuyển lúc</th>
          <th scope="col">Thời hạn bước</th>
          <th scope="col">Kết quả</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => {
          const r = s.result ? RESULT[s.result] : undefined;
          return (
            <tr>
              <td data-label="Bước">{s.step}</td>
              <td data-label="Nội dung">{s.title ?? s.states.map((x) => stateTitleIn(def, x)).join(' · ')}</td>
              <td data-label="Bên giao">{who(s.handed_over_by)}</td>
              <td data-label="Bên nhận">{who(s.received_by)}</td>
              <td data-label="Nhận lúc">{dateTimeVn(s.entered_at)}</td>
              <td data-label="Chuyển lúc">{dateTimeVn(s.left_at)}</td>
              <td data-label="Thời hạn bước">{s.due_at ? `${s.budget ? durationVn(s.budget) : ''} (đến ${dateTimeVn(s.due_at)})` : '—'}</td>
              <td data-label="Kết quả">{r ? <span class={`badge ${r.tone}`}>{r.text}</span> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);
