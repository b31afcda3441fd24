/** The converters mappings build on: pure functions from a sender's text to canonical values. */
export { dateTime, birthDate, isoDateTime, isoBirthDate, toPortalDate, isoFromEpoch } from './dates.js'
export { decimal, vnd } from './numbers.js'
export { phone } from './phone.js'
export { text, personName, email, normalizeText, truncate, portalLength } from './text.js'
export { table, pattern, agencyCode, procedureCode, sourceId, booleanFlag, echo } from './codes.js'
export { landUsePurpose, LAND_USE_PURPOSES, CURRENT_LAND_USE_CODES, type LandUsePurpose, type LandGroup } from './land-use.js'
export { cccd, cmnd, enterpriseCode, socialInsuranceNumber, cccdCenturySex, type Gender } from './identity.js'
export { optional } from './optional.js'
