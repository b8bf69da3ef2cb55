using System.Net;

namespace Chat.Webhooks;

/// <summary>Name resolution for webhook targets: the same answer for the registration check and for the connection it guards.</summary>
public interface IHostResolver
{
    /// <summary>The addresses <paramref name="host"/> resolves to now (an IP literal is itself); throws SocketException if it does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

internal sealed class DnsHostResolver : IHostResolver
{
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
}
