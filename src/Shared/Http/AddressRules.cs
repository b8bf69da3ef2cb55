using System.Net;
using System.Net.Sockets;

namespace Chat.Shared.Http;

/// <summary>
/// Which addresses an outbound call on a caller's behalf may reach (SSRF): loopback, private and
/// link-local ones only where configuration allows. Shared by webhooks and push endpoints.
/// </summary>
public static class AddressRules
{
    /// <summary>Null if <paramref name="address"/>, which <paramref name="host"/> resolved to, may be called; otherwise why not.</summary>
    public static string? Refuse(string host, IPAddress address, bool allowLoopback, bool allowPrivate)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) && !allowLoopback)
            return $"'{host}' resolves to {address}, a loopback address.";
        // Link-local includes cloud metadata services (169.254.169.254): never just for being local.
        if ((IsPrivate(address) || IsLinkLocal(address)) && !allowPrivate)
            return $"'{host}' resolves to {address}, a private or link-local address.";
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return $"'{host}' resolves to an unspecified address.";
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
