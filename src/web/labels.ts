/**
 * Vietnamese labels for words the data carries as identifiers: roles, channels, outcomes, and
 * the field names and enum values of the shipped procedures. A procedure's own `title` or
 * `description` always wins; these only cover what the YAML leaves unlabelled, and anything
 * still unknown is shown as its identifier with spaces, never hidden.
 */
import { STATUS_LABELS } from '../service/case-view.js';

export { STATUS_LABELS };

export const ROLE_LABELS: Record<string, string> = {
  admin: 'Quản trị',
  auditor: 'Thanh tra',
  receiver: 'Cán bộ tiếp nhận',
  processor: 'Cán bộ xử lý',
  leader: 'Lãnh đạo',
  cashier: 'Thu phí',
  system: 'Hệ thống',
};

export const CHANNEL_LABELS: Record<number, string> = { 1: 'Trực tiếp', 2: 'Trực tuyến', 3: 'Bưu chính công ích' };

export const OUTCOME_LABELS: Record<string, string> = {
  approved: 'Đã trả kết quả',
  refused: 'Không được tiếp nhận',
  withdrawn: 'Công dân rút hồ sơ',
  stopped: 'Dừng xử lý',
  answered: 'Đã trả lời',
  completed: 'Hoàn thành',
};

export const RATING_LABELS_VN: Record<string, string> = { rat_hai_long: 'Rất hài lòng', hai_long: 'Hài lòng', khong_hai_long: 'Không hài lòng' };

/** Records the engine writes that are not a procedure's own events. */
export const SYSTEM_EVENT_LABELS: Record<string, string> = {
  'case.opened': 'Tạo hồ sơ',
  'case.apology': 'Xin lỗi và hẹn lại ngày trả kết quả',
  'deadline.warning': 'Cảnh báo sắp đến hạn',
  'deadline.missed': 'Quá hạn giải quyết',
  'case.rated': 'Công dân đánh giá',
};

const FIELD_LABELS: Record<string, string> = {
  name: 'Họ và tên',
  id_number: 'Số định danh cá nhân',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  address: 'Địa chỉ',
  ho_ten: 'Họ, chữ đệm và tên',
  ngay_sinh: 'Ngày sinh',
  gioi_tinh: 'Giới tính',
  so_dinh_danh: 'Số định danh cá nhân',
  dien_thoai: 'Số điện thoại',
  ho_ten_chu_ho: 'Họ tên chủ hộ',
  so_dinh_danh_chu_ho: 'Số định danh của chủ hộ',
  quan_he_voi_chu_ho: 'Quan hệ với chủ hộ',
  quan_he_voi_nguoi_de_nghi: 'Quan hệ với người đề nghị',
  quan_he_voi_chu_ho_moi: 'Quan hệ với chủ hộ mới',
  quan_he_voi_nguoi_bi_xoa: 'Quan hệ với người bị xóa đăng ký',
  so_dinh_danh_nguoi_yeu_cau: 'Số định danh của người đề nghị',
  reason: 'Lý do',
  ghi_chu: 'Ghi chú',
  cho_o_hop_phap: 'Chỗ ở hợp pháp đã được xác minh',
  content: 'Nội dung',
  case_code: 'Mã hồ sơ',
};

const VALUE_LABELS: Record<string, string> = {
  nam: 'Nam',
  nu: 'Nữ',
  hop_dong_thue: 'Hợp đồng thuê nhà',
  hop_dong_cho_muon_o_nho: 'Hợp đồng cho mượn, cho ở nhờ',
  giay_chung_nhan_quyen_so_huu: 'Giấy chứng nhận quyền sở hữu',
  van_ban_xac_nhan_cua_ubnd: 'Văn bản xác nhận của UBND cấp xã',
  giay_to_quan_he_nhan_than: 'Giấy tờ chứng minh quan hệ nhân thân',
  khac: 'Giấy tờ khác',
  truc_tiep: 'Trực tiếp',
  buu_chinh: 'Qua bưu chính',
  dien_tu: 'Bản điện tử',
  truc_tuyen: 'Trực tuyến',
  dien_thoai: 'Điện thoại',
  cho_o_thuoc_so_huu: 'Chỗ ở thuộc quyền sở hữu của mình',
  ve_o_voi_nguoi_than: 'Về ở với người thân',
  thue_muon_o_nho: 'Thuê, mượn, ở nhờ',
  co_so_tin_nguong_ton_giao: 'Cơ sở tín ngưỡng, tôn giáo',
  co_so_tro_giup_xa_hoi: 'Cơ sở trợ giúp xã hội',
  phuong_tien_luu_dong: 'Phương tiện lưu động',
  bi_can_bi_cao_chap_hanh_an: 'Bị can, bị cáo tại ngoại; người chấp hành án',
  giao_duc_tai_xa_phuong: 'Giáo dục tại xã, phường',
  bien_phap_quan_ly_thay_the: 'Biện pháp quản lý thay thế',
  nghia_vu_quan_su: 'Độ tuổi nghĩa vụ quân sự',
  vang_tu_12_thang: 'Vắng từ 12 tháng trở lên',
  noi_thuong_tru: 'Nơi thường trú',
  noi_tam_tru: 'Nơi tạm trú',
  qua_trinh_cu_tru: 'Quá trình cư trú',
  thong_tin_ho_gia_dinh: 'Thông tin hộ gia đình',
  chet_hoac_mat_tich: 'Chết hoặc mất tích',
  huy_bo_dang_ky: 'Hủy bỏ đăng ký tạm trú',
  vang_mat_6_thang: 'Vắng mặt từ 6 tháng trở lên',
  thoi_quoc_tich: 'Thôi, bị tước quốc tịch',
  da_dang_ky_thuong_tru: 'Đã đăng ký thường trú tại nơi tạm trú',
  cham_dut_thue_muon: 'Chấm dứt thuê, mượn, ở nhờ',
  cho_o_bi_pha_do: 'Chỗ ở bị phá dỡ, không còn',
};

/** The identifier with spaces: `so_phong` → `so phong` (better than nothing, never hidden). */
function plain(id: string): string {
  const text = id.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Label of a form field: the schema's `title` or `description`, then the table, then the key. */
export function fieldLabel(key: string, schema?: Record<string, unknown>): string {
  const title = schema?.['title'];
  if (typeof title === 'string' && title.trim() !== '') return title;
  const description = schema?.['description'];
  if (typeof description === 'string' && description.trim() !== '') return description;
  return FIELD_LABELS[key] ?? plain(key);
}

/** Label of an enum value. */
export function valueLabel(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value !== 'string') return String(value);
  return VALUE_LABELS[value] ?? plain(value);
}

/** Label of a role. */
export function roleLabel(role: string | null | undefined): string {
  if (!role) return '';
  return ROLE_LABELS[role] ?? plain(role);
}

/** Label of a national status code. */
export function statusLabel(code: number | null | undefined): string {
  return code === null || code === undefined ? '' : (STATUS_LABELS[code] ?? String(code));
}
