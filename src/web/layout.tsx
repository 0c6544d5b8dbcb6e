/** The page shell: head, the top bar with the navigation a role may use, and small shared pieces. */
import type { Child, FC } from 'hono/jsx';
import { isAdmin, isAuditor, type Actor } from '../auth/policy.js';
import type { WebSession } from './session-store.js';
import { CSRF_FIELD } from './security.js';
import { roleLabel } from './labels.js';

/** Roles that work dossiers (every role except the built-in admin and auditor). */
export function isOfficer(actor: Actor): boolean {
  return actor.roles.some((r) => r !== 'admin' && r !== 'auditor');
}

interface NavItem {
  href: string;
  label: string;
  key: string;
}

function navFor(actor: Actor): NavItem[] {
  const items: NavItem[] = [{ href: '/ho-so', label: 'Hồ sơ cần xử lý', key: 'worklist' }];
  if (isOfficer(actor)) items.push({ href: '/ho-so/moi', label: 'Tiếp nhận hồ sơ', key: 'intake' });
  items.push({ href: '/thu-tuc', label: 'Thủ tục', key: 'procedures' });
  if (isAuditor(actor) || isAdmin(actor)) items.push({ href: '/nhat-ky', label: 'Nhật ký kiểm tra', key: 'audit' });
  items.push({ href: '/bao-cao', label: 'Báo cáo', key: 'reports' });
  return items;
}

export interface LayoutProps {
  title: string;
  session?: WebSession | undefined;
  /** Key of the current navigation item. */
  active?: string;
  narrow?: boolean;
  /** Unit name to show beside the user's name. */
  unitName?: string;
  children?: Child;
}

/** A whole HTML page. */
export const Layout: FC<LayoutProps> = (props) => {
  const s = props.session;
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Một cửa</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#noi-dung">Bỏ qua điều hướng</a>
        <header class="top">
          <div class="bar">
            <a class="brand" href={s ? '/ho-so' : '/tra-cuu'}>
              Một cửa
            </a>
            {s ? (
              <nav aria-label="Điều hướng chính">
                {navFor(s.actor).map((n) => (
                  <a href={n.href} aria-current={props.active === n.key ? 'page' : undefined}>
                    {n.label}
                  </a>
                ))}
              </nav>
            ) : null}
            {s ? (
              <div class="who">
                <span>
                  {s.actor.name} · {s.actor.roles.map(roleLabel).join(', ')}
                  {props.unitName ? ` · ${props.unitName}` : ''}
                </span>
                <form method="post" action="/dang-xuat">
                  <input type="hidden" name={CSRF_FIELD} value={s.csrf} />
                  <button type="submit">Đăng xuất</button>
                </form>
              </div>
            ) : null}
          </div>
        </header>
        <main id="noi-dung" class={props.narrow ? 'narrow' : undefined}>
          {props.children}
        </main>
      </body>
    </html>
  );
};

/** The hidden form-token field every form carries. */
export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** A message box. */
export const Alert: FC<{ kind: 'error' | 'ok' | 'info'; children?: Child }> = ({ kind, children }) => (
  <div class={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
    {children}
  </div>
);

/** The deadline mark of a dossier: red when overdue, amber when nearly due. */
export const DeadlineBadge: FC<{ overdue: boolean; nearlyDue: boolean }> = ({ overdue, nearlyDue }) => {
  if (overdue) return <span class="badge red">Quá hạn</span>;
  if (nearlyDue) return <span class="badge amber">Sắp đến hạn</span>;
  return null;
};
