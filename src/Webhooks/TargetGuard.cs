using System.Net;
using System.Net.Sockets;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>
/// Keeps webhook deliveries off internal networks (SSRF): an endpoint whose host resolves to a
/// private, loopback or link-local address is refused unless configuration allows it. Checked at
/// registration and again, with the same rules, for the address each delivery connects to
/// (<see cref="GuardedConnection"/>), so a name that later resolves elsewhere (DNS rebinding) is refused too.
/// </summary>
internal sealed class TargetGuard(IHostResolver resolver, IOptions<WebhooksOptions> options)
{
    /// <summary>Null if the URL may be called; otherwise why not.</summary>
    public async Task<string?> RefuseAsync(string? url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return "Must be an absolute http or https URL.";
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(uri.Host, ct);
        }
        catch (SocketException)
        {
            return $"The host '{uri.Host}' does not resolve.";
        }
        if (addresses.Length == 0) return $"The host '{uri.Host}' does not resolve.";
        return addresses.Select(a => RefuseAddress(uri.Host, a)).FirstOrDefault(refusal => refusal is not null);
    }

    /// <summary>Null if <paramref name="address"/>, which <paramref name="host"/> resolved to, may be called; otherwise why not.</summary>
    public string? RefuseAddress(string host, IPAddress address) =>
        AddressRules.Refuse(host, address, options.Value.AllowLoopbackTargets, options.Value.AllowPrivateTargets);
}
