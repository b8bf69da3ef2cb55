using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Chat.Notifications.Storage;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// What a device registration must be: a Web Push subscription whose endpoint is https on a public
/// address (the webhooks' rules, <see cref="AddressRules"/>) and whose keys are a P-256 point and a
/// 16-byte secret, or an FCM token. <c>Notifications:AllowInsecureTargets</c> lets http and loopback through.
/// </summary>
internal sealed partial class DeviceRules(IOptions<NotificationsOptions> options)
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex DeviceIdPattern();

    public async Task<ValidationErrors> CheckAsync(string deviceId, PutDeviceRequest body, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!DeviceIdPattern().IsMatch(deviceId)) errors.Add("device_id", "Must be 1 to 128 letters, digits, '.', '_' or '-'.");
        switch (body.Platform)
        {
            case Device.WebPush:
                if (body.Token is not null) errors.Add("token", "Is for platform 'fcm'; a Web Push device sends its 'subscription'.");
                if (body.Subscription is not { } subscription)
                {
                    errors.Add("subscription", "Is required for 'webpush': the browser's PushSubscription as JSON ({endpoint, keys:{p256dh, auth}}).");
                    break;
                }
                if (await RefuseEndpointAsync(subscription.Endpoint, ct) is { } why) errors.Add("subscription.endpoint", why);
                if (subscription.Keys is not { } keys)
                {
                    errors.Add("subscription.keys", "Is required: {p256dh, auth}.");
                    break;
                }
                if (!IsP256Point(keys.P256dh)) errors.Add("subscription.keys.p256dh", "Must be an uncompressed P-256 public key, base64url (65 bytes).");
                if (Decode(keys.Auth) is not { Length: 16 }) errors.Add("subscription.keys.auth", "Must be the 16-byte authentication secret, base64url.");
                break;
            case Device.Fcm:
                if (body.Subscription is not null) errors.Add("subscription", "Is for platform 'webpush'; an FCM device sends its 'token'.");
                if (body.Token is not { Length: > 0 and <= 4096 } || body.Token.Any(char.IsWhiteSpace))
                    errors.Add("token", "Is required for 'fcm': the registration token (at most 4096 characters, no spaces).");
                break;
            case null:
                errors.Add("platform", "Is required: 'webpush' or 'fcm'.");
                break;
            default:
                errors.Add("platform", $"'{body.Platform}' is not supported; use 'webpush' or 'fcm'.");
                break;
        }
        return errors;
    }

    private async Task<string?> RefuseEndpointAsync(string? endpoint, CancellationToken ct)
    {
        var insecure = options.Value.AllowInsecureTargets;
        if (endpoint is not { Length: <= 2048 } || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || uri.Scheme != Uri.UriSchemeHttps && !(insecure && uri.Scheme == Uri.UriSchemeHttp))
            return insecure ? "Must be an absolute http or https URL of at most 2048 characters." : "Must be an absolute https URL of at most 2048 characters.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "Must not carry a user name or password.";
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
        return addresses.Select(a => AddressRules.Refuse(uri.Host, a, insecure, insecure)).FirstOrDefault(r => r is not null);
    }

    private static bool IsP256Point(string? key)
    {
        if (Decode(key) is not { Length: 65 } point || point[0] != 0x04) return false;
        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
            return true;
        }
        catch (CryptographicException)
        {
            return false; // not on the curve
        }
    }

    private static byte[]? Decode(string? base64Url)
    {
        if (string.IsNullOrEmpty(base64Url) || base64Url.Length > 200) return null;
        try
        {
            return Base64Url.DecodeFromChars(base64Url.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
