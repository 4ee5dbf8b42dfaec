// Patched by exgate's scripts/patch-kafkajs.js: an uncompressed partition's record batch is
// written straight into one buffer of its exact size (the same bytes), and the topic and request
// encoders are sized up front.
const Long = require('../../../../utils/long')
const Encoder = require('../../../encoder')
const { Produce: apiKey } = require('../../apiKeys')
const { Types } = require('../../../message/compression')
const Record = require('../../../recordBatch/record/v0')
const { RecordBatch, MAGIC_BYTE } = require('../../../recordBatch/v0')
const crc32C = require('../../../recordBatch/crc32C')

/**
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout => INT32
 *   topic_data => topic [data]
 *     topic => STRING
 *     data => partition record_set
 *       partition => INT32
 *       record_set => RECORDS
 */

/**
 * @param [transactionalId=null] {String} The transactional id or null if the producer is not transactional
 * @param acks {Integer} See producer request v0
 * @param timeout {Integer} See producer request v0
 * @param [compression=CompressionTypes.None] {CompressionTypes}
 * @param topicData {Array}
 */
module.exports = ({
  acks,
  timeout,
  transactionalId = null,
  producerId = Long.fromInt(-1),
  producerEpoch = 0,
  compression = Types.None,
  topicData,
}) => ({
  apiKey,
  apiVersion: 3,
  apiName: 'Produce',
  expectResponse: () => acks !== 0,
  encode: async () => {
    const encodeTopic = topicEncoder(compression)
    const encodedTopicData = []

    for (const data of topicData) {
      encodedTopicData.push(
        await encodeTopic({ ...data, transactionalId, producerId, producerEpoch })
      )
    }

    return new Encoder(requestSize(transactionalId, encodedTopicData))
      .writeString(transactionalId)
      .writeInt16(acks)
      .writeInt32(timeout)
      .writeArray(encodedTopicData)
  },
})

const topicEncoder = compression => async ({
  topic,
  partitions,
  transactionalId,
  producerId,
  producerEpoch,
}) => {
  const encodePartitions = partitionsEncoder(compression)
  const encodedPartitions = []

  for (const data of partitions) {
    encodedPartitions.push(
      await encodePartitions({ ...data, transactionalId, producerId, producerEpoch })
    )
  }

  return new Encoder(topicSize(topic, encodedPartitions)).writeString(topic).writeArray(encodedPartitions)
}

const partitionsEncoder = compression => async ({
  partition,
  messages,
  transactionalId,
  firstSequence,
  producerId,
  producerEpoch,
}) => {
  const dateNow = Date.now()
  const messageTimestamps = messages
    .map(m => m.timestamp)
    .filter(timestamp => timestamp != null)
    .sort()

  const timestamps = messageTimestamps.length === 0 ? [dateNow] : messageTimestamps
  const firstTimestamp = timestamps[0]
  const maxTimestamp = timestamps[timestamps.length - 1]

  if (compression === Types.None) {
    const direct = encodeDirectly({
      partition,
      messages,
      dateNow,
      firstTimestamp,
      maxTimestamp,
      producerId,
      producerEpoch,
      firstSequence,
      transactional: !!transactionalId,
    })
    if (direct) return direct
  }

  const records = messages.map((message, i) =>
    Record({
      ...message,
      offsetDelta: i,
      timestampDelta: (message.timestamp || dateNow) - firstTimestamp,
    })
  )

  const recordBatch = await RecordBatch({
    compression,
    records,
    firstTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    firstSequence,
    transactional: !!transactionalId,
    lastOffsetDelta: records.length - 1,
  })

  return new Encoder()
    .writeInt32(partition)
    .writeInt32(recordBatch.size())
    .writeEncoder(recordBatch)
}

const stringSize = value => 2 + (value == null ? 0 : Buffer.byteLength(value, 'utf8'))
const encodersSize = encoders => encoders.reduce((size, encoder) => size + encoder.size(), 4)
const requestSize = (transactionalId, topics) => stringSize(transactionalId) + 2 + 4 + encodersSize(topics)
const topicSize = (topic, partitions) => stringSize(topic) + encodersSize(partitions)

const BATCH_HEADER = 8 + 4 + 4 + 1 + 4 // firstOffset, length, partitionLeaderEpoch, magic, crc
const BODY_HEADER = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4 // attributes … firstSequence, record count
const TRANSACTIONAL_MASK = 16

/**
 * The partition's record_set as `Record` and `RecordBatch` v0 encode it, byte for byte, without
 * an encoder a record and the copies between them: one buffer, sized first. Returns undefined
 * for what it does not cover (headers, keys or values neither text nor bytes, timestamps that are
 * not safe integers, an empty batch), which the general path encodes.
 */
const encodeDirectly = ({
  partition,
  messages,
  dateNow,
  firstTimestamp,
  maxTimestamp,
  producerId,
  producerEpoch,
  firstSequence,
  transactional,
}) => {
  const count = messages.length
  if (count === 0) return undefined
  const deltas = new Array(count)
  const keyLengths = new Array(count)
  const valueLengths = new Array(count)
  const bodyLengths = new Array(count)
  let recordsSize = 0
  for (let i = 0; i < count; i++) {
    const message = messages[i]
    if (message.headers != null && Object.keys(message.headers).length > 0) return undefined
    const delta = (message.timestamp || dateNow) - firstTimestamp
    const keyLength = bytesLength(message.key)
    const valueLength = bytesLength(message.value)
    if (!Number.isSafeInteger(delta) || keyLength === undefined || valueLength === undefined) {
      return undefined
    }
    const body =
      1 +
      varLongSize(delta) +
      varIntSize(i) +
      varIntSize(keyLength) +
      Math.max(keyLength, 0) +
      varIntSize(valueLength) +
      Math.max(valueLength, 0) +
      1 // no headers
    deltas[i] = delta
    keyLengths[i] = keyLength
    valueLengths[i] = valueLength
    bodyLengths[i] = body
    recordsSize += varIntSize(body) + body
  }

  const total = 4 + 4 + BATCH_HEADER + BODY_HEADER + recordsSize
  const buf = Buffer.allocUnsafe(total)
  let at = buf.writeInt32BE(partition, 0)
  at = buf.writeInt32BE(total - 8, at) // the record batch's size
  at = writeInt64(buf, at, 0) // firstOffset
  at = buf.writeInt32BE(total - 8 - 12, at) // the batch's bytes
  at = buf.writeInt32BE(0, at) // partitionLeaderEpoch
  at = buf.writeInt8(MAGIC_BYTE, at)
  const crcAt = at
  at += 4
  const bodyStart = at
  at = buf.writeInt16BE(transactional ? TRANSACTIONAL_MASK : 0, at) // attributes: no compression
  at = buf.writeInt32BE(count - 1, at) // lastOffsetDelta
  at = writeInt64(buf, at, firstTimestamp)
  at = writeInt64(buf, at, maxTimestamp)
  at = writeInt64(buf, at, producerId)
  at = buf.writeInt16BE(producerEpoch, at)
  at = buf.writeInt32BE(firstSequence, at)
  at = buf.writeInt32BE(count, at)
  for (let i = 0; i < count; i++) {
    const message = messages[i]
    at = writeVarInt(buf, at, bodyLengths[i])
    buf[at++] = 0 // attributes
    at = writeVarLong(buf, at, deltas[i])
    at = writeVarInt(buf, at, i) // offsetDelta
    at = writeBytes(buf, at, message.key, keyLengths[i])
    at = writeBytes(buf, at, message.value, valueLengths[i])
    buf[at++] = 0 // no headers
  }
  if (at !== total) throw new Error(`kafkajs patch: a record batch of ${at} bytes, sized ${total}`)
  buf.writeUInt32BE(crc32C(buf.subarray(bodyStart, total)), crcAt)

  const encoder = new Encoder(0)
  encoder.buf = buf
  encoder.offset = total
  return encoder
}

/** The bytes of a key or value as `writeVarIntBytes` writes them; -1 for none; undefined if other. */
const bytesLength = value => {
  if (value == null) return -1
  if (Buffer.isBuffer(value)) return value.length
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8')
  return undefined
}

const writeBytes = (buf, at, value, length) => {
  at = writeVarInt(buf, at, length)
  if (length <= 0) return at
  if (Buffer.isBuffer(value)) return at + value.copy(buf, at)
  return at + buf.write(value, at, length, 'utf8')
}

const writeInt64 = (buf, at, value) => {
  const long = Long.fromValue(value)
  at = buf.writeInt32BE(long.getHighBits(), at)
  return buf.writeInt32BE(long.getLowBits(), at)
}

// Zigzag varints: a 32-bit one as Encoder.writeVarInt, a safe integer as Encoder.writeVarLong.
const zigZag32 = value => ((value << 1) ^ (value >> 31)) >>> 0
const zigZag64 = value => (value >= 0 ? value * 2 : -value * 2 - 1)

const varIntSize = value => unsignedSize(zigZag32(value))
const varLongSize = value => unsignedSize(zigZag64(value))
const unsignedSize = value => {
  let bytes = 1
  while (value >= 128) {
    value = Math.floor(value / 128)
    bytes++
  }
  return bytes
}

const writeVarInt = (buf, at, value) => writeUnsigned(buf, at, zigZag32(value))
const writeVarLong = (buf, at, value) => writeUnsigned(buf, at, zigZag64(value))
const writeUnsigned = (buf, at, value) => {
  while (value >= 128) {
    buf[at++] = (value % 128) | 128
    value = Math.floor(value / 128)
  }
  buf[at++] = value
  return at
}
