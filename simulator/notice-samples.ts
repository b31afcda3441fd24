/**
 * The sample notices file: the same as config/notices.sample.json (a test keeps them equal),
 * here so that the simulator's providers register its templates without reading config/ (which
 * the container image does not carry).
 */
export const SAMPLE_NOTICES_FILE = {
  apologyGraceHours: 24,
  letterLinkDays: 30,
  agencies: [
    {
      agency: '000.00.31.H42',
      kinds: [
        'received',
        'supplement-requested',
        'result-ready',
        'apology',
        'returned',
        'refused'
      ],
      channels: [
        'zns',
        'sms',
        'email'
      ],
      quietHours: {
        start: '21:00',
        end: '07:00'
      },
      centre: {
        parentAgency: 'UBND thị xã Kỳ Anh',
        name: 'UBND xã Kỳ Lợi',
        unit: 'Bộ phận Một cửa',
        place: 'Kỳ Lợi',
        address: 'Bộ phận Một cửa UBND xã Kỳ Lợi, thôn Đông Yên, xã Kỳ Lợi, tỉnh Hà Tĩnh',
        signerTitle: 'Trưởng Bộ phận Một cửa'
      },
      zns: {
        templates: {
          received: {
            id: '310001',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'ten_thu_tuc',
                type: 'STRING',
                maxLength: 100
              },
              {
                name: 'ngay_hen_tra',
                type: 'DATE',
                maxLength: 10
              }
            ],
            text: 'UBND xã Kỳ Lợi đã tiếp nhận hồ sơ <ma_ho_so> (<ten_thu_tuc>). Ngày hẹn trả kết quả: <ngay_hen_tra>. Tra cứu tại dichvucong.gov.vn.'
          },
          'supplement-requested': {
            id: '310002',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'noi_dung',
                type: 'STRING',
                maxLength: 150
              }
            ],
            text: 'Hồ sơ <ma_ho_so> cần bổ sung: <noi_dung>. Mời Ông/Bà liên hệ Bộ phận Một cửa UBND xã Kỳ Lợi.'
          },
          'result-ready': {
            id: '310003',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'noi_nhan',
                type: 'STRING',
                maxLength: 100
              },
              {
                name: 'so_ngay_som',
                type: 'NUMBER',
                maxLength: 3
              }
            ],
            text: 'Hồ sơ <ma_ho_so> đã có kết quả, sớm <so_ngay_som> ngày so với ngày hẹn. Mời Ông/Bà đến nhận tại <noi_nhan>.'
          },
          apology: {
            id: '310004',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'ngay_hen_cu',
                type: 'DATE',
                maxLength: 10
              },
              {
                name: 'ngay_hen_moi',
                type: 'DATE',
                maxLength: 10
              },
              {
                name: 'ly_do',
                type: 'STRING',
                maxLength: 100
              }
            ],
            text: 'UBND xã Kỳ Lợi xin lỗi: hồ sơ <ma_ho_so> hẹn trả ngày <ngay_hen_cu> chưa có kết quả. Lý do: <ly_do>. Ngày hẹn mới: <ngay_hen_moi>.'
          },
          returned: {
            id: '310005',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'ngay_tra',
                type: 'DATE',
                maxLength: 10
              }
            ],
            text: 'Hồ sơ <ma_ho_so> đã được trả kết quả ngày <ngay_tra>. Cảm ơn Ông/Bà đã sử dụng dịch vụ.'
          },
          refused: {
            id: '310006',
            params: [
              {
                name: 'ma_ho_so',
                type: 'STRING',
                maxLength: 30
              },
              {
                name: 'ly_do',
                type: 'STRING',
                maxLength: 150
              }
            ],
            text: 'Hồ sơ <ma_ho_so> không được giải quyết. Lý do: <ly_do>.'
          }
        }
      },
      sms: {
        brandname: 'UBND-KYLOI',
        templates: {
          received: 'UBND xa Ky Loi: da tiep nhan ho so {ma_ho_so}, hen tra ngay {ngay_hen_tra}. Tra cuu tai dichvucong.gov.vn',
          'supplement-requested': 'UBND xa Ky Loi: ho so {ma_ho_so} can bo sung: {noi_dung,80}',
          'result-ready': 'UBND xa Ky Loi: ho so {ma_ho_so} da co ket qua{som,40}. Moi ong/ba den nhan tai {noi_nhan,60}',
          apology: 'UBND xa Ky Loi xin loi: ho so {ma_ho_so} tre hen ({ngay_hen_cu}), hen lai ngay {ngay_hen_moi}. Ly do: {ly_do,60}',
          returned: 'UBND xa Ky Loi: ho so {ma_ho_so} da tra ket qua ngay {ngay_tra}. Danh gia tai {lien_ket,60}',
          refused: 'UBND xa Ky Loi: ho so {ma_ho_so} khong duoc giai quyet. Ly do: {ly_do,80}'
        }
      },
      email: {
        from: 'motcua@kyloi.gov.vn',
        fromName: 'Bộ phận Một cửa UBND xã Kỳ Lợi'
      },
      ratingUrl: 'https://dichvucong.gov.vn/danh-gia'
    }
  ]
} as const
