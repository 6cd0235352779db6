// Sample documents for the document tests: the 2022 Gò Dầu training round, with invented names.
import type { InvitationLetter, InvitationSlip, InviteeGroup, LetterAgency, OfficialLetter, SlipsOptions } from '../../server/documents/nd30/index.ts';

export const agency: LetterAgency = {
  parentName: '',
  nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'],
  placeName: 'Gò Dầu',
  symbol: 'UBND',
  signerAuthorityLines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
  signerName: 'Nguyễn Văn Minh',
};

const OFFICES = [
  'Văn phòng HĐND và UBND huyện',
  'Phòng Nội vụ',
  'Phòng Tư pháp',
  'Phòng Tài chính - Kế hoạch',
  'Phòng Tài nguyên và Môi trường',
  'Phòng Lao động - Thương binh và Xã hội',
  'Phòng Văn hóa và Thông tin',
  'Phòng Giáo dục và Đào tạo',
  'Phòng Y tế',
  'Thanh tra huyện',
  'Phòng Kinh tế và Hạ tầng',
  'Phòng Nông nghiệp và Phát triển nông thôn',
];
const COMMUNES = [
  'UBND thị trấn Gò Dầu',
  'UBND xã Bàu Đồn',
  'UBND xã Cẩm Giang',
  'UBND xã Hiệp Thạnh',
  'UBND xã Phước Đông',
  'UBND xã Phước Thạnh',
  'UBND xã Phước Trạch',
  'UBND xã Thạnh Đức',
  'UBND xã Thanh Phước',
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Ngọc', 'Minh', 'Thanh'];
const GIVEN = ['Ánh', 'Bảo', 'Cường', 'Dũng', 'Hạnh', 'Hiếu', 'Khoa', 'Lộc', 'Mỹ', 'Nghĩa', 'Phúc', 'Quyên', 'Sơn', 'Thảo', 'Tuấn', 'Uyên', 'Việt', 'Yến'];

/** An invented name for the i-th person. */
export function personName(i: number): string {
  return `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i * 7) % MIDDLE.length]} ${GIVEN[(i * 5) % GIVEN.length]}`;
}

/** Offices and communes, two people each. */
export function inviteeGroups(perUnit = 2): InviteeGroup[] {
  let i = 0;
  const people = (units: string[], positions: string[]) =>
    units.flatMap((unit) => Array.from({ length: perUnit }, (_, k) => ({ name: personName(i++), position: positions[k % positions.length]!, unit })));
  return [
    { heading: 'Cơ quan chuyên môn thuộc UBND huyện', invitees: people(OFFICES, ['Phó Trưởng phòng', 'Chuyên viên']) },
    { heading: 'UBND các xã, thị trấn', invitees: people(COMMUNES, ['Phó Chủ tịch UBND', 'Công chức Văn phòng - Thống kê']) },
  ];
}

export const invitation: InvitationLetter = {
  kind: 'giay-moi',
  agency,
  issuerName: 'Ủy ban nhân dân huyện Gò Dầu',
  number: 12,
  date: '2022-05-06',
  summary: 'Tham dự lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022',
  basis: ['Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của UBND tỉnh Tây Ninh về tuyên truyền cải cách hành chính năm 2022 trên địa bàn tỉnh Tây Ninh;'],
  invitees: 'Lãnh đạo và công chức phụ trách cải cách hành chính của các cơ quan chuyên môn thuộc UBND huyện và UBND các xã, thị trấn',
  event: 'lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 (Đợt 1)',
  chair: 'Đồng chí Nguyễn Văn Minh - Phó Chủ tịch UBND huyện',
  time: { start: '2022-05-12T00:30:00Z', end: '2022-05-12T04:00:00Z', length: '01 buổi' },
  venue: 'Hội trường Ủy ban nhân dân huyện Gò Dầu (số 1 đường Hùng Vương, thị trấn Gò Dầu)',
  notes: [
    'Đề nghị đại biểu mang theo máy tính xách tay có kết nối mạng để thực hành trên Cổng dịch vụ công trực tuyến tỉnh Tây Ninh; mọi chi tiết xin liên hệ đồng chí Trần Thị Hạnh, Văn phòng HĐND và UBND huyện, điện thoại 0276 3853 000.',
    'Ủy ban nhân dân huyện rất mong đại biểu tham dự đầy đủ, đúng thời gian.',
  ],
  recipients: ['Như trên', 'CT, các PCT UBND huyện', 'LĐVP'],
  archive: 'VT, VP',
  appendix: { title: 'Danh sách đại biểu được mời dự lớp tập huấn cải cách hành chính năm 2022 (Đợt 1)', groups: inviteeGroups() },
};

export const official: OfficialLetter = {
  kind: 'cong-van',
  agency,
  issuerName: 'Ủy ban nhân dân huyện Gò Dầu',
  number: 5,
  date: '2023-01-15',
  draftingUnit: 'VP',
  subject: 'triệu tập cán bộ, công chức tham dự lớp tập huấn cải cách hành chính năm 2023',
  addressees: ['Thủ trưởng các cơ quan chuyên môn thuộc UBND huyện', 'Chủ tịch UBND các xã, thị trấn'],
  paragraphs: [
    'Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của UBND tỉnh Tây Ninh về tuyên truyền cải cách hành chính năm 2022 trên địa bàn tỉnh Tây Ninh, Ủy ban nhân dân huyện tổ chức lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính.',
    'Ủy ban nhân dân huyện triệu tập mỗi cơ quan, đơn vị 02 công chức phụ trách công tác cải cách hành chính tham dự lớp tập huấn vào lúc 07 giờ 30 phút, thứ Năm, ngày 19 tháng 01 năm 2023 tại Hội trường Ủy ban nhân dân huyện.',
    'Đề nghị Thủ trưởng các cơ quan, đơn vị cử đúng thành phần, tham dự đầy đủ và đúng thời gian.',
  ],
  recipients: ['Như trên', 'CT, các PCT UBND huyện'],
  archive: 'VT, VP',
};

/** A công văn long enough that its signing block cannot stay on page 1. */
export function longLetter(paragraphCount: number): OfficialLetter {
  const text =
    'Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị tiếp tục quán triệt, triển khai thực hiện nghiêm túc các nhiệm vụ cải cách hành chính, kiểm soát thủ tục hành chính, công khai đầy đủ thủ tục hành chính tại Bộ phận tiếp nhận và trả kết quả, tạo điều kiện thuận lợi cho người dân, doanh nghiệp.';
  return {
    ...official,
    paragraphs: Array.from({ length: paragraphCount }, (_, i) => `${i + 1}. ${text}`),
  };
}

export const slipsOptions: SlipsOptions = {
  agency: { parentName: 'UBND TỈNH TÂY NINH', nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'] },
  event: {
    title: 'Lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 (Đợt 1)',
    time: { start: '2022-05-12T00:30:00Z', end: '2022-05-12T04:00:00Z' },
    venue: 'Hội trường Ủy ban nhân dân huyện Gò Dầu',
  },
  reference: 'Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu',
  codeHint: 'taphuan.godau.gov.vn/ma',
};

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** The i-th invitee's slip with a distinct URL and typed code (a fixed pseudo-random sequence). */
export function slip(i: number): InvitationSlip {
  let state = (i + 1) * 2654435761;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const code = Array.from({ length: 8 }, () => CODE_ALPHABET[next() % CODE_ALPHABET.length]).join('');
  const token = Array.from({ length: 22 }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[next() % 62]).join('');
  const people = inviteeGroups(3).flatMap((group) => group.invitees);
  const person = people[i % people.length]!;
  return { name: personName(i), position: person.position, unit: person.unit, url: `https://taphuan.godau.gov.vn/m/${token}`, code };
}
