export * from './push-events';
export {
  DEFAULT_STREAM_TTL_SECONDS,
  PushPublisher,
  STREAM_RETENTION,
  pubsubChannelOf,
  streamKeyOf,
} from './push-publisher';
export { PushSubscriber, streamIdAfter, STREAM_ID } from './push-subscriber';
