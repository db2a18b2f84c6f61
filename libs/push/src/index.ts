export * from './push-events';
export { PushPublisher, STREAM_RETENTION, pubsubChannelOf, streamKeyOf } from './push-publisher';
export { PushSubscriber, streamIdAfter, STREAM_ID } from './push-subscriber';
