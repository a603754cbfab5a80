/** Uploads and downloads (docs/feishu.md#sending-messages): multipart in, keys out; bytes back from a message's resources. */
import { errors, invalidParam } from './errors';
import { fieldText } from './multipart';
import { ok, route, type Ctx, type Route, type RouteEnv } from './router';

const MB = 1024 * 1024;
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);

/** The bytes of a file part; a Buffer sent without a filename counts too (the SDK sends it so). */
function fileField(ctx: Ctx, name: string, maxBytes: number): { bytes: Buffer; type?: string } {
  const part = ctx.form?.get(name);
  if (!part) throw errors.mediaParam(`multipart field "${name}" is required`);
  if (part.bytes.length === 0) throw errors.mediaParam(`${name} is empty`);
  if (part.bytes.length > maxBytes) throw errors.mediaTooBig();
  return { bytes: part.bytes, type: part.contentType };
}

function uploadImage(ctx: Ctx, env: RouteEnv) {
  if (!ctx.form) throw errors.mediaParam('multipart/form-data expected');
  const imageType = fieldText(ctx.form, 'image_type');
  if (imageType !== 'message' && imageType !== 'avatar') throw errors.mediaParam('image_type must be message or avatar');
  const file = fileField(ctx, 'image', 10 * MB);
  const res = env.store.addResource({ type: 'image', bytes: file.bytes, contentType: imageMime(file.bytes, file.type) });
  return ok({ image_key: res.key });
}

function uploadFile(ctx: Ctx, env: RouteEnv) {
  if (!ctx.form) throw errors.mediaParam('multipart/form-data expected');
  const fileType = fieldText(ctx.form, 'file_type');
  if (!fileType || !FILE_TYPES.has(fileType)) throw errors.mediaParam('invalid file_type');
  const fileName = fieldText(ctx.form, 'file_name');
  if (!fileName) throw errors.mediaParam('file_name is required');
  const file = fileField(ctx, 'file', 30 * MB);
  const contentType = file.type && file.type !== 'application/octet-stream' ? file.type : 'application/octet-stream';
  const res = env.store.addResource({ type: 'file', bytes: file.bytes, contentType, fileName });
  return ok({ file_key: res.key });
}

/** Only resources the message itself carries; cards' resources are not downloadable (234043). */
function download(ctx: Ctx, env: RouteEnv) {
  const type = ctx.query.type;
  if (type !== 'image' && type !== 'file') throw errors.mediaParam('type must be image or file');
  const msg = env.store.messages.get(ctx.params.message_id);
  if (!msg) throw invalidParam('invalid message_id');
  const chat = env.store.chats.get(msg.chat_id)!;
  if (!chat.botIsMember) throw errors.botNotInChat();
  if (msg.msg_type === 'interactive') throw errors.resourceOfCard();
  const key = ctx.params.file_key;
  const res = env.store.resources.get(key);
  if (!res || !JSON.stringify(msg.content).includes(`"${key}"`)) throw errors.resourceMissing();
  const headers: Record<string, string> = { 'content-type': res.contentType };
  if (res.fileName) headers['content-disposition'] = `attachment; filename="${encodeURIComponent(res.fileName)}"`;
  return { bytes: res.bytes, headers };
}

/** What Feishu serves an image as: sniffed from the bytes, since clients often send no type. */
function imageMime(bytes: Buffer, declared?: string): string {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 3).toString('latin1') === 'GIF') return 'image/gif';
  return declared && declared.startsWith('image/') ? declared : 'image/png';
}

export const mediaRoutes: Route[] = [
  route('POST', '/open-apis/im/v1/images', 'image.create', uploadImage),
  route('POST', '/open-apis/im/v1/files', 'file.create', uploadFile),
  route('GET', '/open-apis/im/v1/messages/:message_id/resources/:file_key', 'message_resource.get', download),
];
