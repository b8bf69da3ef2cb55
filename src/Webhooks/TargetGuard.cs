using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>
/// Keeps webhook deliveries off internal networks (SSRF): an endpoint whose host resolves to a
/// private, loopback or link-local address is refused unless configuration allows it.
/// </summary>
internal sealed class TargetGuard(IOptions<WebhooksOptions> options)
{
    /// <summary>Null if the URL may be called; otherwise why not.</summary>
    public async Task<string?> RefuseAsync(string? url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return "Must be an absolute http or https URL.";
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.Host, ct);
        }
        catch (SocketException)
        {
            return $"The host '{uri.Host}' does not resolve.";
        }
        if (addresses.Length == 0) return $"The host '{uri.Host}' does not resolve.";
        foreach (var address in addresses.Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a))
        {
            if (IPAddress.IsLoopback(address) && !options.Value.AllowLoopbackTargets)
                return $"'{uri.Host}' resolves to {address}, a loopback address.";
            // Link-local includes cloud metadata services (169.254.169.254): never just for being local.
            if ((IsPrivate(address) || IsLinkLocal(address)) && !options.Value.AllowPrivateTargets)
                return $"'{uri.Host}' resolves to {address}, a private or link-local address.";
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
                return $"'{uri.Host}' resolves to an unspecified address.";
        }
        return null;
    }

    private static bool IsLinkLocal(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? a.GetAddressBytes() is [169, 254, ..] : a.IsIPv6LinkLocal;

    private static bool IsPrivate(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? a.GetAddressBytes() switch
        {
            [10, ..] => true,
            [172, >= 16 and <= 31, ..] => true,
            [192, 168, ..] => true,
            [100, >= 64 and <= 127, ..] => true, // carrier-grade NAT
            _ => false,
        }
        : a.IsIPv6UniqueLocal || a.IsIPv6SiteLocal;
}
