import t from 'tap'
import { cccd, cccdCenturySex, cmnd, enterpriseCode, socialInsuranceNumber } from '../../src/domain/toolkit/identity.js'
import { loadAdminUnits } from '../../src/domain/admin-units/index.js'

const prefixes = loadAdminUnits().cccdProvincePrefixes

t.test('the sample citizen IDs agree with their holders', async t => {
  // Land sample: born 12/03/1986, female. Digit 4 = 1 (1900s, female), digits 5-6 = 86.
  t.same(cccd({ provincePrefixes: prefixes, birthDate: '1986-03-12', gender: 'female' })('042186001234'),
    { ok: true, value: '042186001234' })
  // Civil status sample: father born 1990-01-15, mother born 1992-11-05.
  t.same(cccd({ provincePrefixes: prefixes, birthDate: '1990-01-15', gender: 'male' })('042090004321'),
    { ok: true, value: '042090004321' })
  t.same(cccd({ provincePrefixes: prefixes, birthDate: '1992-11-05', gender: 'female' })('042192007654'),
    { ok: true, value: '042192007654' })
  // Social insurance sample: born 1979 (year alone), GioiTinh 1 = male.
  t.same(cccd({ provincePrefixes: prefixes, birthDate: '1979', gender: 'male' })('042079000555'),
    { ok: true, value: '042079000555' })
})

t.test('cccd normalizes separators', async t => {
  t.same(cccd()(' 042 186 001 234 '), { ok: true, value: '042186001234' })
  t.same(cccd()('042.186.001.234'), { ok: true, value: '042186001234' })
})

t.test('cccd shape and province', async t => {
  const conv = cccd({ provincePrefixes: prefixes })
  for (const raw of ['04218600123', '0421860012345', '04218600123A', '042186001234 5', '']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_CCCD' }, raw)
  }
  t.match(conv('003186001234'), { ok: false, code: 'CCCD_PROVINCE_UNKNOWN', en: /003/ }, 'no province 03 before 2025')
  t.match(conv('099186001234'), { ok: false, code: 'CCCD_PROVINCE_UNKNOWN' })
  t.match(conv('142186001234'), { ok: false, code: 'CCCD_PROVINCE_UNKNOWN' })
  t.same(conv('001186001234'), { ok: true, value: '001186001234' }, '001 Hà Nội')
  t.same(conv('096186001234'), { ok: true, value: '096186001234' }, '096 Cà Mau')
  t.match(cccd()('142186001234'), { ok: false, code: 'CCCD_PROVINCE_UNKNOWN' }, 'without the list, the first digit is 0')
})

t.test('cccd century, year and sex', async t => {
  t.match(cccd({ birthDate: '1987-03-12' })('042186001234'), { ok: false, code: 'CCCD_BIRTH_MISMATCH', en: /1987.*1986/ })
  t.match(cccd({ birthDate: '2086' })('042186001234'), { ok: false, code: 'CCCD_BIRTH_MISMATCH' }, 'wrong century')
  t.same(cccd({ birthDate: '2086' })('042386001234'), { ok: true, value: '042386001234' }, '3 = 2000s female')
  t.match(cccd({ gender: 'male' })('042186001234'), { ok: false, code: 'CCCD_SEX_MISMATCH', vi: /nam/ })
  t.match(cccd({ gender: 'female' })('042090004321'), { ok: false, code: 'CCCD_SEX_MISMATCH' })
  t.same(cccd({ birthDate: '2025-06-20', gender: 'male' })('042225000001'), { ok: true, value: '042225000001' })
  t.same(cccd({ birthDate: '2301', gender: 'female' })('042901000001'), { ok: true, value: '042901000001' })
  t.throws(() => cccd({ birthDate: '12/03/1986' }), RangeError)
})

t.test('cccdCenturySex', async t => {
  t.same(cccdCenturySex(0), { century: 1900, gender: 'male' })
  t.same(cccdCenturySex(1), { century: 1900, gender: 'female' })
  t.same(cccdCenturySex(2), { century: 2000, gender: 'male' })
  t.same(cccdCenturySex(5), { century: 2100, gender: 'female' })
  t.same(cccdCenturySex(6), { century: 2200, gender: 'male' })
  t.same(cccdCenturySex(9), { century: 2300, gender: 'female' })
})

t.test('cmnd, enterprise code, social insurance number', async t => {
  t.same(cmnd()('183 456 789'), { ok: true, value: '183456789' })
  t.match(cmnd()('1834567890'), { ok: false, code: 'INVALID_CMND' })
  t.match(cmnd()('18345678A'), { ok: false, code: 'INVALID_CMND' })
  t.same(enterpriseCode()('0101234567'), { ok: true, value: '0101234567' })
  t.same(enterpriseCode()(' 0101234567-001 '), { ok: true, value: '0101234567-001' })
  for (const raw of ['010123456', '0101234567001', '0101234567-01', '0101234567-0011', '0101.234.567']) {
    t.match(enterpriseCode()(raw), { ok: false, code: 'INVALID_ENTERPRISE_CODE' }, raw)
  }
  t.same(socialInsuranceNumber()('4201234567'), { ok: true, value: '4201234567' })
  t.same(socialInsuranceNumber()('42 0123 4567'), { ok: true, value: '4201234567' })
  t.match(socialInsuranceNumber()('420123456'), { ok: false, code: 'INVALID_SOCIAL_INSURANCE_NUMBER' })
})
