package org.cohort.core.messaging;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The few bytes {@link ClusterCommunicator} puts in front of every payload it sends, so that a receiver
 * can tell one-way messages, requests and replies apart and match replies to requests.
 *
 * <pre>
 * one-way: MAGIC KIND_ONE_WAY                        body...
 * request: MAGIC KIND_REQUEST  id(8, big-endian)     body...
 * reply:   MAGIC KIND_REPLY    id(8, big-endian) status  body... (HANDLER_FAILED: the failure text, UTF-8)
 * </pre>
 *
 * Requests and one-way messages travel on the caller's subject, replies on {@link #REPLY_SUBJECT}.
 * {@link #parse} treats its input as hostile: it never throws, and returns null for anything short,
 * without the magic byte, of an unknown kind or with an unknown status.
 *
 * @param kind the kind
 * @param requestId the request id (0 for a one-way message)
 * @param status the reply status (null unless a reply)
 * @param bodyOffset where the body starts in the payload
 */
record MessageHeader(Kind kind, long requestId, Status status, int bodyOffset) {

    /** The reserved subject replies travel on. */
    static final String REPLY_SUBJECT = "cohort.reply";

    static final byte MAGIC = (byte) 0xC7;
    static final int ONE_WAY_BYTES = 2;
    static final int REQUEST_BYTES = 10;
    static final int REPLY_BYTES = 11;

    /** What a message is. */
    enum Kind {
        ONE_WAY(1), REQUEST(2), REPLY(3);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }
    }

    /** How a request ended, as its reply says. */
    enum Status {
        OK(0), NO_HANDLER(1), HANDLER_FAILED(2), OVERLOADED(3);

        final byte code;

        Status(int code) {
            this.code = (byte) code;
        }
    }

    static byte[] oneWay(byte[] body) {
        byte[] out = new byte[ONE_WAY_BYTES + body.length];
        out[0] = MAGIC;
        out[1] = Kind.ONE_WAY.code;
        System.arraycopy(body, 0, out, ONE_WAY_BYTES, body.length);
        return out;
    }

    static byte[] request(long requestId, byte[] body) {
        byte[] out = new byte[REQUEST_BYTES + body.length];
        ByteBuffer.wrap(out).put(MAGIC).put(Kind.REQUEST.code).putLong(requestId).put(body);
        return out;
    }

    static byte[] reply(long requestId, Status status, byte[] body) {
        byte[] out = new byte[REPLY_BYTES + body.length];
        ByteBuffer.wrap(out).put(MAGIC).put(Kind.REPLY.code).putLong(requestId).put(status.code).put(body);
        return out;
    }

    /**
     * Reads the header at the start of a payload.
     *
     * @param payload the payload, from anyone
     * @return the header, or null if the payload does not start with a valid one
     */
    static MessageHeader parse(byte[] payload) {
        if (payload == null || payload.length < ONE_WAY_BYTES || payload[0] != MAGIC) {
            return null;
        }
        byte kind = payload[1];
        if (kind == Kind.ONE_WAY.code) {
            return new MessageHeader(Kind.ONE_WAY, 0L, null, ONE_WAY_BYTES);
        }
        if (kind == Kind.REQUEST.code) {
            return payload.length < REQUEST_BYTES ? null
                    : new MessageHeader(Kind.REQUEST, ByteBuffer.wrap(payload, 2, 8).getLong(), null, REQUEST_BYTES);
        }
        if (kind == Kind.REPLY.code && payload.length >= REPLY_BYTES) {
            Status status = status(payload[10]);
            return status == null ? null
                    : new MessageHeader(Kind.REPLY, ByteBuffer.wrap(payload, 2, 8).getLong(), status, REPLY_BYTES);
        }
        return null;
    }

    /** Returns a copy of the body that follows this header in the payload. */
    byte[] body(byte[] payload) {
        return Arrays.copyOfRange(payload, bodyOffset, payload.length);
    }

    private static Status status(byte code) {
        for (Status status : Status.values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }
}
