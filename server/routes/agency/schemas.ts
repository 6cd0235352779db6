import { Type } from '@sinclair/typebox';

const line = (message: string) => Type.String({ maxLength: 500, errorMessage: message });

/** The agency profile fields as the setup and profile forms send them. */
export const agencyFields = {
  parentName: line('Tên cơ quan chủ quản quá dài.'),
  nameLines: line('Nhập tên cơ quan ban hành.'),
  placeName: line('Nhập địa danh.'),
  symbol: line('Nhập chữ viết tắt của cơ quan.'),
  signerAuthorityLines: line('Nhập thẩm quyền ký.'),
  signerName: line('Nhập họ tên người ký.'),
  address: line('Địa chỉ quá dài.'),
  phone: line('Số điện thoại quá dài.'),
  email: line('Thư điện tử quá dài.'),
  website: line('Địa chỉ trang tin quá dài.'),
};

export const AgencyBody = Type.Object(agencyFields);
