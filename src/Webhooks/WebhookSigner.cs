using System.Security.Cryptography;
using System.Text;

namespace Chat.Webhooks;

/// <summary>
/// Standard Webhooks (standardwebhooks.com): <c>webhook-signature: v1,base64(HMAC-SHA256(key, id.timestamp.body))</c>,
/// where the key is the base64 part of the <c>whsec_</c> secret.
/// </summary>
public static class WebhookSigner
{
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
