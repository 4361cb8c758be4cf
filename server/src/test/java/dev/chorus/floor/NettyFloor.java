package dev.chorus.floor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.nio.charset.StandardCharsets;

/**
 * The floor of this machine for issue 6's scenarios: the least a JVM WebSocket server can do, plain Netty
 * with no Vert.x, no guards, no JSON, no cluster. {@code /echo} writes every data frame back as it came;
 * {@code /chat} broadcasts every text frame that contains {@code "chat"} verbatim to every connection, framed
 * once (the bench's probe is read anywhere in the frame) and ignores the rest (joins). Not a server: a
 * measuring stick for {@code Bench echo} and {@code Bench fanout}, to compare with Chorus and Node ws.
 * <pre>
 *   mvn -B -q -DskipTests package test-compile
 *   java -cp target/test-classes:target/chat-server.jar dev.chorus.floor.NettyFloor 19003 [event loops]
 * </pre>
 */
public final class NettyFloor {

  private NettyFloor() {
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 19003;
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, io);
    ChannelGroup chat = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    try {
      Channel server = new ServerBootstrap().group(group).channel(serverChannel)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline()
              .addLast(new HttpServerCodec())
              .addLast(new HttpObjectAggregator(65536))
              .addLast(new WebSocketServerProtocolHandler("/", null, false, 131072, false, true))
              .addLast(new Frames(chat));
          }
        })
        .bind("127.0.0.1", port).sync().channel();
      System.out.printf("netty floor listening on %d (%s, %d event loops)%n", port, epoll ? "epoll" : "NIO", loops);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Echo on /echo, broadcast on /chat. */
  private static final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final ChannelGroup chat;
    private boolean echo;

    Frames(ChannelGroup chat) {
      super(false);
      this.chat = chat;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        echo = handshake.requestUri().startsWith("/echo");
        if (!echo) {
          chat.add(ctx.channel());
        }
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (echo) {
        ctx.write(frame);
        return;
      }
      try {
        if (frame instanceof TextWebSocketFrame && contains(frame.content(), "\"chat\"")) {
          chat.writeAndFlush(framed(ctx, frame.content()));
        }
      } finally {
        frame.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    /** The unmasked server frame, header and payload, built once; the group writes a duplicate to each. */
    private static ByteBuf framed(ChannelHandlerContext ctx, ByteBuf payload) {
      int length = payload.readableBytes();
      ByteBuf framed = ctx.alloc().directBuffer(length + 10).writeByte(0x81);
      if (length < 126) {
        framed.writeByte(length);
      } else if (length <= 0xFFFF) {
        framed.writeByte(126).writeShort(length);
      } else {
        framed.writeByte(127).writeLong(length);
      }
      return framed.writeBytes(payload, payload.readerIndex(), length);
    }

    private static boolean contains(ByteBuf content, String needle) {
      byte[] bytes = needle.getBytes(StandardCharsets.US_ASCII);
      return ByteBufUtil.indexOf(io.netty.buffer.Unpooled.wrappedBuffer(bytes), content) >= 0;
    }
  }
}
