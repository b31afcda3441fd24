/**
 * The preset dictionary of stored-record compression, version 1. Field names and closed
 * vocabularies of the stored formats only (the canonical record, provenance, payload metadata
 * and the sector formats' keys and codes), never a value of one dossier: a dossier's names,
 * numbers and dates compress as they would without it. Deflate matches against the last 32 KiB,
 * and nearer matches are cheaper, so the most frequent text comes last.
 *
 * FROZEN: every record written with version 1 needs these exact bytes to be read. A better
 * dictionary is a new constant with a new version byte in codec.ts; this one stays.
 */
export const DICTIONARY_V1 = [
  // sector formats: XML and SOAP element names (land, social insurance)
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>',
  '</soapenv:Body></soapenv:Envelope>',
  '<HoSoDangKyDatDai xmlns="urn:vn:datdai:hoso:1.2"><DonViTiepNhan maDinhDanh="" maXa=""/><NguoiNop><HoTen></HoTen><GiayTo loai="CCCD" so=""/>',
  '<DiaChi maXa=""></DiaChi><SoDienThoai></SoDienThoai></NguoiNop><GiayToKemTheo><TepTin ma="" ten="" kieu="application/pdf" kichThuoc="" sha256="" url=""/></GiayToKemTheo>',
  '<GuiHoSo xmlns="urn:vn:bhxh:tiepnhan:2.1"><HoSo><MaCoQuan></MaCoQuan><SoHoSo></SoHoSo><NgayNhan></NgayNhan><NguoiLaoDong><HoTen></HoTen><MaSoBHXH></MaSoBHXH></NguoiLaoDong></HoSo></GuiHoSo>',
  // canonical vocabularies
  '"in-person","postal","online","citizen","organisation","cmnd","cccd","male","female","child","mother","father","husband","wife","deceased","intake","supplement","return"',
  // civil status (hộ tịch): keys and codes
  '"KHAI_SINH","KHAI_TU","KET_HON","XAC_NHAN_TTHN","TRUC_TIEP","TRUC_TUYEN","BUU_CHINH","TIEP_NHAN","DANG_XU_LY","BO_SUNG","DA_CO_KET_QUA","DA_TRA","TU_CHOI","RUT","NAM","NU","CCCD","CMND","CHA","ME"',
  '"Đăng ký khai sinh","Đăng ký khai tử","Đăng ký kết hôn","Cấp Giấy xác nhận tình trạng hôn nhân","UBND xã ","UBND phường ","Kinh","VN","image/jpeg","application/pdf"',
  '{"soBienNhan":"","maThuTuc":"","loaiViec":"","coQuanDangKy":{"maDinhDanh":"","maXa":"","ten":""},"kenhNop":"","ngayTiepNhan":"","ngayHenTra":"","trangThai":"","nguoiYeuCau":{"hoTen":"","giayTo":{"loai":"","so":""},"soDienThoai":"","email":"","quanHe":""},"noiDung":{"treEm":{"hoTen":"","ngaySinh":"","gioiTinh":"","danToc":"","quocTich":"","noiSinh":{"ten":"","maXa":""}},"me":{"hoTen":"","ngaySinh":"","giayTo":{"loai":"","so":""},"danToc":"","quocTich":""},"cha":{"hoTen":"","ngaySinh":"","giayTo":{"loai":"","so":""},"danToc":"","quocTich":""}},"tepDinhKem":[{"ma":"","ten":"","mime":"","kichThuoc":0,"url":""}],"lePhi":[]}',
  // payload metadata and provenance
  '{"receivedAt":"","clientId":"","contentType":"application/json","mappingVersion":"@1.0.0"}',
  '{"system":"","clientId":"","sourceId":"","mappingVersion":"","contentType":"application/json","receivedAt":"+07:00"}',
  // the canonical record, as the mappings write it
  '{"sourceId":"","receiptNumber":"","procedure":{"code":"","name":""},"agency":{"code":"","communeCode":"","name":""},"channel":"","holder":{"kind":"","name":"","ids":[{"type":"","number":""}],"phone":"","email":""},"summary":"","receivedAt":"T00:00:00+07:00","dueAt":"T23:59:59+07:00","status":"","documents":[{"id":"","name":"","url":"https://","digitised":true,"componentCode":"","mimeType":"","size":0}],"digitised":true,"fees":[],"paidOnline":false,"details":{"civil-status":{"kind":"","relationship":"","persons":[{"role":"","name":"","ids":[{"type":"cccd","number":""}],"birthDate":"","gender":"","ethnicity":"","nationality":""}],"place":{"name":"","communeCode":""}}}}'
].join('\n')
