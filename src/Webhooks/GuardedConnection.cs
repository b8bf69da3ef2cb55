using System.Net;
using System.Net.Sockets;

namespace Chat.Webhooks;

/// <summary>
/// The webhook client's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host itself and
/// connects only to an address <see cref="TargetGuard"/> allows, so what is checked is what is called.
/// A name that passed at registration and now resolves to loopback, a private network or a metadata
/// service (DNS rebinding) gets no connection; the refusal is logged and fails the attempt with its reason.
/// </summary>
internal sealed class GuardedConnection(IHostResolver resolver, TargetGuard guard, ILogger<GuardedConnection> logger)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var allowed = new List<IPAddress>();
        string? refusal = null;
        foreach (var address in await resolver.ResolveAsync(host, ct))
        {
            if (guard.RefuseAddress(host, address) is { } why)
            {
                refusal ??= why;
                logger.LogWarning("Webhook host {Host} resolved to {Address}, which deliveries may not call: refused ({Reason})", host, address, why);
            }
            else allowed.Add(address);
        }
        if (allowed.Count == 0)
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Refused to connect: {refusal ?? $"'{host}' does not resolve."}");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
