using System.Net;
using System.Net.Sockets;

namespace Chat.Shared.Kafka.Embedded;

/// <summary>
/// Gives the embedded broker a fixed port: accepts on <c>listen</c> and relays each connection,
/// byte for byte, to the mock cluster's random loopback port.
/// </summary>
internal sealed class TcpForwarder : IDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();

    public TcpForwarder(IPEndPoint listen, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(listen);
        _listener.Start();
        _ = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = upstream.NoDelay = true;
                await upstream.ConnectAsync(_target, _stop.Token);
                await using var a = client.GetStream();
                await using var b = upstream.GetStream();
                // When either side closes, the relay ends and both sockets close.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
