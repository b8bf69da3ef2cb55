using System.Net.Sockets;
using System.Net.WebSockets;

namespace Chat.LoadTest;

/// <summary>
/// WebSocket users that connect and never read, over a TCP receive buffer of a few KiB: the slow
/// consumers the gateway must drop without delaying anyone else (issue 15).
/// </summary>
public sealed class StalledSockets : IDisposable
{
    private readonly List<ClientWebSocket> _sockets = [];

    public static async Task<StalledSockets> ConnectAsync(IReadOnlyList<Uri> nodes, IReadOnlyList<string> tokens)
    {
        var stalled = new StalledSockets();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        for (var i = 0; i < tokens.Count; i++)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + tokens[i]);
            await socket.ConnectAsync(new UriBuilder(nodes[i % nodes.Count]) { Scheme = "ws", Path = "/v1/ws" }.Uri, invoker, CancellationToken.None);
            stalled._sockets.Add(socket);
        }
        return stalled;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
    }
}
