// The blank people list organizers fill in for an import: the five headers, two example rows, and instructions.
import { loadExcelJs } from './excel.ts';

export const PEOPLE_TEMPLATE_FILENAME = 'mau-danh-sach-dai-bieu.xlsx';

const COLUMNS = [
  { header: 'Họ và tên', width: 28 },
  { header: 'Chức vụ', width: 24 },
  { header: 'Đơn vị', width: 36 },
  { header: 'Số điện thoại', width: 16 },
  { header: 'Email', width: 32 },
];

const EXAMPLES = [
  ['Nguyễn Văn An', 'Chuyên viên', 'Phòng Nội vụ', '0912345678', 'nguyenvanan@example.com'],
  ['Trần Thị Bích Ngọc', 'Công chức Văn phòng - Thống kê', 'UBND xã Phước Đông', '0987654321', ''],
];

const INSTRUCTIONS = [
  'Hướng dẫn điền danh sách đại biểu',
  '',
  '1. Điền mỗi người một dòng trong trang “Danh sách”, bắt đầu từ dòng 2. Giữ nguyên dòng tiêu đề.',
  '2. Bắt buộc: Họ và tên, Đơn vị. Không bắt buộc: Chức vụ, Số điện thoại, Email.',
  '3. Đơn vị: ghi đúng tên như trong danh mục đơn vị (ví dụ: Phòng Nội vụ, UBND xã Phước Đông).',
  '   Đơn vị chưa có sẽ được liệt kê khi xem trước; chỉ tạo mới khi bạn xác nhận.',
  '4. Số điện thoại: 9–12 chữ số. Cột đã định dạng kiểu văn bản để giữ số 0 ở đầu.',
  '5. Người trùng họ tên và đơn vị, hoặc trùng số điện thoại với người đã có, sẽ được bỏ qua.',
  '6. Xóa hai dòng ví dụ trước khi nhập. Có thể thêm cột khác (như STT); hệ thống bỏ qua cột không cần.',
  '7. Tối đa 10.000 người và 5 MB mỗi tệp. Có thể lưu thành CSV UTF-8 nếu muốn.',
];

/** Builds the template workbook: sheet "Danh sách" (headers, examples) and sheet "Hướng dẫn". */
export async function buildPeopleTemplate(): Promise<Buffer> {
  const workbook = new (await loadExcelJs()).Workbook();
  workbook.creator = 'Tập huấn';
  workbook.created = new Date();

  const sheet = workbook.addWorksheet('Danh sách', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((column) => ({ header: column.header, width: column.width }));
  // Text format keeps the leading 0 of phone numbers typed into the sheet.
  sheet.getColumn(4).numFmt = '@';
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.height = 22;
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF8793A1' } } };
  });
  for (const example of EXAMPLES) sheet.addRow(example);

  const help = workbook.addWorksheet('Hướng dẫn');
  help.getColumn(1).width = 110;
  for (const line of INSTRUCTIONS) help.addRow([line]);
  help.getRow(1).font = { bold: true, size: 13 };

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
