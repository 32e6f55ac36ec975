'use strict'
// KafkaJS driven by KafkaJsSingleNodeIT and KafkaJsFailoverIT (through KafkaJs.java): one command per run, results on stdout as JSON lines
// ({"ev": ...}), KafkaJS warnings and errors on stderr prefixed "kafkajs-log".
//
//   node compat.js <command> <bootstrap> [key=value ...]
//
// Commands:
//   create    topic= partitions= rf= [config.<name>=<value> ...]   createTopics, prints {"ev":"created"}
//   list                                                          listTopics
//   metadata  topic=                                              fetchTopicMetadata
//   offsets   topic=                                              fetchTopicOffsets
//   offsets-by-time topic= ts=                                    fetchTopicOffsetsByTimestamp
//   group-offsets group= topic=                                   fetchOffsets of a consumer group
//   delete    topic=                                              deleteTopics
//   produce   topic= [partitions=N] [count=N | stopFile=path] [from=0] [batch=5] [tsBase=ms]
//             idempotent producer (acks -1, one request in flight); record i has key k-<i>, value v-<i>,
//             headers seq=<i> and client=kafkajs, timestamp tsBase+i if given, partition i % N when partitions= is given (else the
//             default partitioner); prints {"ev":"ack","i":..,"partition":..,"offset":..} per acknowledged record
//   consume   topic= group= member= stopFile=path
//             a group member from the earliest offset, committing after every batch; prints
//             {"ev":"assigned"} on every join, {"ev":"msg"} per record and {"ev":"crash"} when KafkaJS gives
//             up on an error (it restarts the consumer when "restart" is true); on stopFile leaves the group
// Every run ends with {"ev":"apis","versions":{"<api>":[versions used]}} (from KafkaJS's debug log) and
// {"ev":"done"}, or {"ev":"error"} and exit code 1. KAFKAJS_VERBOSE=1 prints all of KafkaJS's log on stderr.
const fs = require('fs')
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'
const { Kafka, logLevel } = require('kafkajs')
const LEVEL_NAMES = Object.fromEntries(Object.entries(logLevel).map(([name, n]) => [n, name]))

const [command, bootstrap, ...rest] = process.argv.slice(2)
const args = {}
for (const a of rest) {
  const eq = a.indexOf('=')
  args[a.slice(0, eq)] = a.slice(eq + 1)
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// API name -> set of versions KafkaJS sent (it picks the highest version both sides support)
const apis = {}
const logCreator = () => ({ namespace, level, log }) => {
  const m = /^Request (\w+)\(key: (\d+), version: (\d+)\)/.exec(log.message)
  if (m) {
    const name = `${m[1]}(${m[2]})`
    ;(apis[name] = apis[name] || new Set()).add(Number(m[3]))
  }
  if (level <= logLevel.WARN || process.env.KAFKAJS_VERBOSE) {
    const { message, ...extra } = log
    process.stderr.write(
      `kafkajs-log ${LEVEL_NAMES[level] || level} [${namespace}] ${message} ${JSON.stringify(extra)}\n`
    )
  }
}

const kafka = new Kafka({
  clientId: `vertebra-compat-${command}`,
  brokers: bootstrap.split(','),
  logLevel: logLevel.DEBUG,
  logCreator,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 },
})

function finish() {
  const versions = {}
  for (const k of Object.keys(apis).sort()) {
    versions[k] = [...apis[k]].sort((a, b) => a - b)
  }
  emit({ ev: 'apis', versions })
}

function waitForFile(path) {
  return new Promise(resolve => {
    const timer = setInterval(() => {
      if (fs.existsSync(path)) {
        clearInterval(timer)
        resolve()
      }
    }, 50)
  })
}

async function withAdmin(fn) {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await fn(admin)
  } finally {
    await admin.disconnect()
  }
}

const commands = {
  create: () =>
    withAdmin(async admin => {
      const configEntries = Object.keys(args)
        .filter(k => k.startsWith('config.'))
        .map(k => ({ name: k.slice('config.'.length), value: args[k] }))
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: args.topic,
            numPartitions: Number(args.partitions),
            replicationFactor: Number(args.rf),
            configEntries,
          },
        ],
      })
      emit({ ev: 'created', topic: args.topic, created })
    }),

  list: () => withAdmin(async admin => emit({ ev: 'topics', topics: (await admin.listTopics()).sort() })),

  metadata: () =>
    withAdmin(async admin => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [args.topic] })
      emit({ ev: 'metadata', topics })
    }),

  offsets: () =>
    withAdmin(async admin => emit({ ev: 'offsets', offsets: await admin.fetchTopicOffsets(args.topic) })),

  'offsets-by-time': () =>
    withAdmin(async admin =>
      emit({
        ev: 'offsets-by-time',
        offsets: await admin.fetchTopicOffsetsByTimestamp(args.topic, Number(args.ts)),
      })
    ),

  'group-offsets': () =>
    withAdmin(async admin =>
      emit({
        ev: 'group-offsets',
        offsets: await admin.fetchOffsets({ groupId: args.group, topics: [args.topic] }),
      })
    ),

  delete: () =>
    withAdmin(async admin => {
      await admin.deleteTopics({ topics: [args.topic], timeout: 10000 })
      emit({ ev: 'deleted', topic: args.topic })
    }),

  produce: async () => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // the idempotent producer must not give up (KafkaJS warns otherwise); back off briefly during failover
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
    })
    await producer.connect()
    const partitions = args.partitions ? Number(args.partitions) : null
    const count = args.count ? Number(args.count) : Infinity
    const batch = Number(args.batch || 5)
    let stop = false
    if (args.stopFile) {
      waitForFile(args.stopFile).then(() => (stop = true))
    }
    let i = Number(args.from || 0)
    const end = i + count
    let acked = 0
    while (i < end && !stop) {
      const messages = []
      for (let j = i; j < Math.min(i + batch, end); j++) {
        const m = {
          key: `k-${j}`,
          value: `v-${j}`,
          headers: { seq: String(j), client: 'kafkajs' },
        }
        if (args.tsBase) {
          m.timestamp = String(Number(args.tsBase) + j)
        }
        if (partitions) {
          m.partition = j % partitions
        }
        messages.push(m)
      }
      // acks -1 is what the idempotent producer requires (and KafkaJS's default)
      const metadata = await producer.send({ topic: args.topic, acks: -1, messages })
      // within a partition the records of one send get consecutive offsets from baseOffset, in send order
      const next = {}
      for (const md of metadata) {
        next[md.partition] = Number(md.baseOffset)
      }
      for (let k = 0; k < messages.length; k++) {
        const n = i + k
        let partition = messages[k].partition
        if (partition === undefined) {
          if (metadata.length !== 1) {
            throw new Error('default partitioner spread one send over partitions; pass partitions=')
          }
          partition = metadata[0].partition
        }
        emit({ ev: 'ack', i: n, partition, offset: next[partition]++ })
        acked++
      }
      i += messages.length
    }
    await producer.disconnect()
    emit({ ev: 'produced', acked, next: i })
  },

  consume: async () => {
    const member = args.member
    const consumer = kafka.consumer({
      groupId: args.group,
      sessionTimeout: 10000,
      rebalanceTimeout: 20000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 200,
      // KafkaJS keeps talking to the coordinator it found until the retries run out (a connection refused by a
      // dead coordinator included); then the consumer "crashes" and restarts itself, finding the new
      // coordinator (tulios/kafkajs#939). Few retries make that restart come soon.
      retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 5 },
    })
    consumer.on(consumer.events.GROUP_JOIN, e => {
      const partitions = (e.payload.memberAssignment[args.topic] || []).slice().sort((a, b) => a - b)
      emit({ ev: 'assigned', member, memberId: e.payload.memberId, partitions })
    })
    consumer.on(consumer.events.CRASH, e => {
      emit({ ev: 'crash', member, error: String(e.payload.error), restart: e.payload.restart })
    })
    await consumer.connect()
    await consumer.subscribe({ topics: [args.topic], fromBeginning: true })
    await consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async ({ partition, message }) => {
        const headers = {}
        for (const [k, v] of Object.entries(message.headers || {})) {
          headers[k] = String(v)
        }
        emit({
          ev: 'msg',
          member,
          partition,
          offset: Number(message.offset),
          key: message.key && message.key.toString(),
          value: message.value && message.value.toString(),
          headers,
        })
      },
    })
    emit({ ev: 'running', member })
    await waitForFile(args.stopFile)
    await consumer.disconnect()
    emit({ ev: 'left', member })
  },
}

const run = commands[command]
if (!run) {
  emit({ ev: 'error', error: `unknown command ${command}` })
  process.exit(2)
}
run().then(
  () => {
    finish()
    emit({ ev: 'done' })
    process.exit(0)
  },
  e => {
    finish()
    emit({ ev: 'error', error: String(e && e.stack ? e.stack : e), type: e && e.type })
    process.exit(1)
  }
)
