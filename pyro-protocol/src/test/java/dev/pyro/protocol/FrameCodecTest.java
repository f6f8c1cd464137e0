package dev.pyro.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static byte[] frameBytes(int length, int channel, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.putInt(length).putInt(channel).put((byte) type).put(payload);
        return b.array();
    }

    private static FrameReader reader(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return new FrameReader(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void roundTripsEveryTypeAndPayloadSize() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        Random rnd = new Random(7);
        List<Frame> sent = new ArrayList<>();
        int[] sizes = {0, 1, 100, Protocol.MAX_PAYLOAD - 1, Protocol.MAX_PAYLOAD};
        int i = 0;
        for (FrameType t : FrameType.values()) {
            for (int size : sizes) {
                byte[] p = new byte[size];
                rnd.nextBytes(p);
                int channel = i++ == 3 ? 0xFFFFFFFF : rnd.nextInt(1000);
                Frame f = new Frame(channel, t, p);
                w.write(f);
                sent.add(f);
            }
        }
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        for (Frame expected : sent) {
            Frame got = r.read();
            assertThat(got.type()).isEqualTo(expected.type());
            assertThat(got.channel()).isEqualTo(expected.channel());
            assertThat(got.payload()).isEqualTo(expected.payload());
        }
        assertThat(r.read()).as("clean end of stream").isNull();
        assertThat(sent.get(3).channelUnsigned()).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void headerIsBigEndianLengthChannelType() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(out).write(0x01020304, FrameType.STDERR, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 7, 1, 2, 3, 4, 6, 'h', 'i');
    }

    @Test
    void rejectsLengthsOutOfRange() {
        for (int len : new int[] {0, 1, 4, Protocol.MAX_FRAME_LENGTH + 1, 0x7FFFFFFF, 0xFFFFFFFF}) {
            FrameReader r = reader(frameBytes(len, 1, 2, new byte[0]));
            assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("frame length " + Integer.toUnsignedString(len) + " out of range");
        }
    }

    @Test
    void rejectsUnknownTypes() {
        for (int type : new int[] {0, 8, 42, 255}) {
            FrameReader r = reader(frameBytes(5, 1, type, new byte[0]));
            assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class)
                    .hasMessage("unknown frame type " + type);
        }
    }

    @Test
    void rejectsTruncatedFrames() {
        byte[] full = frameBytes(5 + 10, 3, 4, new byte[10]);
        assertThatThrownBy(reader(Arrays.copyOf(full, 2))::read).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("inside a frame header");
        assertThatThrownBy(reader(Arrays.copyOf(full, 6))::read).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("inside a frame header");
        assertThatThrownBy(reader(Arrays.copyOf(full, 14))::read).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("got 5 of 10 payload bytes");
    }

    @Test
    void readsFramesSplitAcrossTinyReads() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        w.write(9, FrameType.DATA, new byte[70000 - 4536]);
        w.write(10, FrameType.MSG, "{}".getBytes(StandardCharsets.UTF_8));
        byte[] all = out.toByteArray();
        // an InputStream that returns one byte at a time
        FrameReader r = new FrameReader(new ByteArrayInputStream(all) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        });
        assertThat(r.read().payload()).hasSize(70000 - 4536);
        assertThat(r.read().text()).isEqualTo("{}");
        assertThat(r.read()).isNull();
    }

    @Test
    void writerRejectsOversizePayloads() {
        FrameWriter w = new FrameWriter(new ByteArrayOutputStream());
        byte[] big = new byte[Protocol.MAX_PAYLOAD + 1];
        assertThatThrownBy(() -> w.write(1, FrameType.DATA, big)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds 65536");
        assertThatThrownBy(() -> new Frame(1, FrameType.DATA, big)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitsLargeMessagesIntoParts() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] json = new byte[Protocol.MAX_PAYLOAD * 2 + 10];
        Arrays.fill(json, (byte) 'x');
        new FrameWriter(out).writeMessage(5, FrameType.MSG, json);
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        Frame a = r.read();
        Frame b = r.read();
        Frame c = r.read();
        assertThat(List.of(a.type(), b.type(), c.type()))
                .containsExactly(FrameType.MSG_PART, FrameType.MSG_PART, FrameType.MSG);
        assertThat(a.payload().length + b.payload().length + c.payload().length).isEqualTo(json.length);
        assertThat(c.payload()).hasSize(10);
        assertThat(r.read()).isNull();
    }

    @Test
    void chunkedDataAndEmptyEofFrame() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        w.writeChunked(2, FrameType.DATA, new byte[150000], 0, 150000);
        w.writeChunked(2, FrameType.EOF, new byte[0], 0, 0);
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        assertThat(r.read().payload()).hasSize(65536);
        assertThat(r.read().payload()).hasSize(65536);
        assertThat(r.read().payload()).hasSize(150000 - 131072);
        Frame eof = r.read();
        assertThat(eof.type()).isEqualTo(FrameType.EOF);
        assertThat(eof.payload()).isEmpty();
    }

    @Test
    void syncToHelloSkipsGarbageAndForeignHellos() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 9, 0, 0, 0, 0});            // a stale half frame
        out.writeBytes("garbage".getBytes(StandardCharsets.UTF_8));
        FrameWriter w = new FrameWriter(out);
        w.write(0, FrameType.HELLO, "{\"nonce\":\"old\"}".getBytes(StandardCharsets.UTF_8));
        w.write(7, FrameType.MSG, "{}".getBytes(StandardCharsets.UTF_8));
        w.write(0, FrameType.HELLO, "{\"nonce\":\"mine\"}".getBytes(StandardCharsets.UTF_8));
        w.write(3, FrameType.STDOUT, "after".getBytes(StandardCharsets.UTF_8));
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        Frame h = r.syncToHello(f -> f.text().contains("mine"));
        assertThat(h.text()).isEqualTo("{\"nonce\":\"mine\"}");
        assertThat(r.discardedBytes()).isGreaterThan(15);
        Frame next = r.read();
        assertThat(next.text()).isEqualTo("after");
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[100])).syncToHello(f -> true))
                .isInstanceOf(EOFException.class);
    }
}
