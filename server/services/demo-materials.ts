// Demo evidence for round 1: a guidance document (a PDF made here), photos and a short recording that the repo
// carries under assets/demo, and two news links. Everything goes through the same registration as an upload.
// The photos are drawings rendered once to JPEG with an EXIF capture time; the video is a four-second test
// pattern encoded once to WebM. Neither needs any tool at run time.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { DB, MaterialKind } from '../db/types.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { resolveFonts } from '../documents/fonts.ts';
import type { Actor } from './audit.ts';
import { checkMaterialMeta, registerMaterial } from './materials.ts';
import { createNewsLink } from './news-links.ts';
import type { LocalFileStorage } from './storage.ts';
import { receiveToFile, type UploadLimits } from './uploads.ts';

const DEMO_DIR = path.join(PROJECT_ROOT, 'assets', 'demo');

/** Generous limits: the demo's own files are small and trusted. */
const DEMO_LIMITS: UploadLimits = { document: 50 << 20, plan: 50 << 20, photo: 50 << 20, video: 50 << 20 };

/** The guidance handed out at round 1, as a short PDF in the documents' Times face. */
function guidancePdf(): Readable {
  const fonts = resolveFonts();
  const doc = new PDFDocument({ size: 'A4', margins: { top: 57, bottom: 57, left: 85, right: 57 }, info: { Title: 'Tài liệu hướng dẫn tập huấn CCHC năm 2022 (minh họa)' } });
  doc.registerFont('regular', fonts.files.regular);
  doc.registerFont('bold', fonts.files.bold);
  doc.font('bold').fontSize(13).text('ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU', { align: 'center' });
  doc.moveDown(0.3).font('regular').fontSize(11).text('(Tài liệu minh họa)', { align: 'center' });
  doc.moveDown(1.2).font('bold').fontSize(14).text('TÀI LIỆU HƯỚNG DẪN', { align: 'center' });
  doc.font('bold').fontSize(13).text('Tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022', { align: 'center' });
  const sections: [string, string[]][] = [
    ['I. KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2022 CỦA HUYỆN', [
      'Tiếp tục cải cách thể chế, cải cách thủ tục hành chính, nâng cao chất lượng giải quyết thủ tục hành chính tại bộ phận một cửa cấp huyện và cấp xã.',
      'Mỗi phòng, ban chuyên môn và UBND các xã, thị trấn cử cán bộ, công chức tham dự đầy đủ các đợt tập huấn theo kế hoạch.',
    ]],
    ['II. RÀ SOÁT, ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH', [
      'Rà soát thành phần hồ sơ, thời hạn giải quyết, mẫu đơn, tờ khai; đề xuất cắt giảm những yêu cầu không cần thiết.',
      'Tổng hợp kết quả rà soát gửi Phòng Nội vụ trước ngày 30 hằng tháng cuối quý.',
    ]],
    ['III. CÔNG KHAI VÀ TRA CỨU THỦ TỤC HÀNH CHÍNH', [
      'Niêm yết công khai đầy đủ, đúng quy định các thủ tục hành chính tại nơi tiếp nhận hồ sơ.',
      'Hướng dẫn người dân tra cứu thủ tục hành chính và nộp hồ sơ trực tuyến trên Cổng Dịch vụ công.',
    ]],
  ];
  for (const [heading, paragraphs] of sections) {
    doc.moveDown(1).font('bold').fontSize(13).text(heading, { align: 'left' });
    for (const p of paragraphs) doc.moveDown(0.4).font('regular').fontSize(13).text(p, { align: 'justify', indent: 28 });
  }
  doc.end();
  return doc as unknown as Readable;
}

/** The 2022 plan itself (an excerpt of its text, laid out as the agency issued it), for 01_Ke_hoach of the bundle. */
function planPdf(): Readable {
  const fonts = resolveFonts();
  const doc = new PDFDocument({ size: 'A4', margins: { top: 57, bottom: 57, left: 85, right: 57 }, info: { Title: 'Kế hoạch tuyên truyền CCHC và kiểm soát TTHC năm 2022 (trích)', CreationDate: new Date('2022-05-06T08:00:00+07:00') } });
  doc.registerFont('regular', fonts.files.regular);
  doc.registerFont('bold', fonts.files.bold);
  doc.registerFont('italic', fonts.files.italic);
  const top = doc.y;
  const left = { x: 85, width: 190 };
  const right = { x: 260, width: 280 };
  doc.font('regular').fontSize(13).text('ỦY BAN NHÂN DÂN', left.x, top, { width: left.width, align: 'center' });
  doc.font('bold').text('HUYỆN GÒ DẦU', left.x, doc.y, { width: left.width, align: 'center' });
  doc.font('regular').text('Số:      /KH-UBND', left.x, doc.y + 8, { width: left.width, align: 'center' });
  doc.font('bold').fontSize(12).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', right.x, top, { width: right.width, align: 'center' });
  doc.fontSize(13).text('Độc lập - Tự do - Hạnh phúc', right.x, doc.y, { width: right.width, align: 'center' });
  doc.font('italic').text('Gò Dầu, ngày 06 tháng 5 năm 2022', right.x, doc.y + 8, { width: right.width, align: 'center' });
  doc.x = 85;
  doc.moveDown(1.5).font('bold').fontSize(14).text('KẾ HOẠCH', { align: 'center' });
  doc.fontSize(13).text('Tuyên truyền cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 trên địa bàn huyện Gò Dầu', { align: 'center' });
  doc.moveDown(0.8).font('regular').text('Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của UBND tỉnh Tây Ninh về tuyên truyền cải cách hành chính năm 2022 trên địa bàn tỉnh Tây Ninh; Ủy ban nhân dân huyện xây dựng kế hoạch với những nội dung cụ thể như sau:', { align: 'justify', indent: 28 });
  const sections: [string, string[]][] = [
    ['I. MỤC ĐÍCH - YÊU CẦU', [
      'Tuyên truyền sâu rộng đến các cơ quan, đơn vị, tổ chức, cá nhân và toàn thể nhân dân trên địa bàn huyện về việc thực hiện cải cách thủ tục hành chính của Ủy ban nhân dân huyện.',
      'Nâng cao nhận thức, trách nhiệm thực hiện các nội dung cải cách hành chính của cán bộ, công chức, viên chức trong quá trình thực thi công vụ.',
    ]],
    ['II. NỘI DUNG (trích mục 5)', [
      '5. Tuyên truyền thông qua các buổi tập huấn các nội dung về CCHC (công tác rà soát và kiểm soát TTHC, cách thực hiện đánh giá theo Quyết định số 800/QĐ-UBND; cách sử dụng các dịch vụ công trực tuyến mức độ 3, 4).',
      'a) Cơ quan thực hiện: Văn phòng HĐND và UBND huyện. b) Cơ quan phối hợp: Các phòng, ban, ngành huyện và UBND các xã, thị trấn.',
      'd) Sản phẩm, kết quả dự kiến: Tổ chức 02 đợt tập huấn cho các phòng, ban ngành huyện và UBND các xã, thị trấn (văn bản triệu tập, nội dung tập huấn, thời gian thực hiện, số lượng tham gia; các tài liệu tập huấn, video quay lại buổi tập huấn hoặc hình ảnh chụp, danh sách điểm danh, tin tức trên Trang thông tin điện tử của cơ quan).',
    ]],
    ['III. TỔ CHỨC THỰC HIỆN', [
      'Văn phòng HĐND và UBND huyện chủ trì tổ chức các đợt tập huấn; các phòng, ban ngành huyện và UBND các xã, thị trấn cử cán bộ, công chức tham dự đầy đủ và báo cáo kết quả theo quy định.',
    ]],
  ];
  for (const [heading, paragraphs] of sections) {
    doc.moveDown(0.8).font('bold').fontSize(13).text(heading, { align: 'left' });
    for (const p of paragraphs) doc.moveDown(0.3).font('regular').fontSize(13).text(p, { align: 'justify', indent: 28 });
  }
  doc.moveDown(0.8).font('italic').fontSize(12).text('(Bản trích dùng cho dữ liệu minh họa.)', { align: 'center' });
  doc.end();
  return doc as unknown as Readable;
}

interface DemoFile {
  scope: string;
  kind: MaterialKind;
  title: string;
  description: string;
  filename: string;
  open: () => Readable;
}

/** Attaches the plan document, and round 1's evidence: a document, four photos, a recording and two news links. */
export async function insertDemoMaterials(db: Kysely<DB>, storage: LocalFileStorage, actor: Actor, planId: number): Promise<number> {
  const round = await db.selectFrom('rounds').select('id').where('plan_id', '=', planId).where('number', '=', 1).executeTakeFirstOrThrow();
  const sessions = await db.selectFrom('sessions').select('id').where('round_id', '=', round.id).orderBy('starts_at').execute();
  const [first, second] = [sessions[0]!.id, (sessions[1] ?? sessions[0]!).id];
  const asset = (name: string) => () => createReadStream(path.join(DEMO_DIR, name));
  const files: DemoFile[] = [
    { scope: `plan:${planId}`, kind: 'plan', title: 'Kế hoạch tuyên truyền CCHC và kiểm soát TTHC năm 2022', description: 'Văn bản kế hoạch đã ban hành (bản trích).', filename: 'Kế hoạch tuyên truyền CCHC năm 2022.pdf', open: planPdf },
    { scope: `round:${round.id}`, kind: 'document', title: 'Tài liệu hướng dẫn tập huấn CCHC năm 2022', description: 'Phát cho đại biểu cả hai buổi của đợt 1.', filename: 'Tài liệu hướng dẫn tập huấn CCHC 2022.pdf', open: guidancePdf },
    { scope: `session:${first}`, kind: 'photo', title: 'Khai mạc lớp tập huấn', description: '', filename: 'Ảnh khai mạc.jpg', open: asset('anh-khai-mac.jpg') },
    { scope: `session:${first}`, kind: 'photo', title: 'Chuyên đề 1: Kiểm soát thủ tục hành chính', description: '', filename: 'Ảnh chuyên đề 1.jpg', open: asset('anh-chuyen-de-1.jpg') },
    { scope: `session:${first}`, kind: 'video', title: 'Ghi hình phần khai mạc (trích đoạn)', description: 'Trích đoạn minh họa.', filename: 'Ghi hình khai mạc.webm', open: asset('buoi-tap-huan.webm') },
    { scope: `session:${second}`, kind: 'photo', title: 'Thảo luận, giải đáp vướng mắc', description: '', filename: 'Ảnh thảo luận.jpg', open: asset('anh-thao-luan.jpg') },
    { scope: `session:${second}`, kind: 'photo', title: 'Bế mạc lớp tập huấn', description: '', filename: 'Ảnh bế mạc.jpg', open: asset('anh-be-mac.jpg') },
  ];
  for (const file of files) {
    const meta = await checkMaterialMeta(db, { scope: file.scope, kind: file.kind, title: file.title, description: file.description, filename: file.filename }, DEMO_LIMITS);
    const target = storage.incomingPath();
    const received = await receiveToFile(file.open(), target, DEMO_LIMITS[file.kind], () => new Error('demo file too large'));
    await registerMaterial(db, storage, actor, meta, { path: target, ...received }, DEMO_LIMITS);
  }
  await createNewsLink(db, actor, {
    scope: `round:${round.id}`,
    url: 'https://godau.tayninh.gov.vn/tin-tuc/cai-cach-hanh-chinh/tap-huan-nghiep-vu-cai-cach-hanh-chinh-nam-2022-minh-hoa',
    title: 'Gò Dầu: Tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022',
    outlet: 'Cổng thông tin điện tử huyện Gò Dầu',
    publishedOn: '2022-05-13',
  });
  await createNewsLink(db, actor, {
    scope: `session:${second}`,
    url: 'https://baotayninh.vn/go-dau-nang-cao-nang-luc-can-bo-mot-cua-cap-xa-minh-hoa.html',
    title: 'Gò Dầu nâng cao năng lực cán bộ bộ phận một cửa cấp xã',
    outlet: 'Báo Tây Ninh điện tử',
    publishedOn: '2022-05-16',
  });
  return files.length;
}
