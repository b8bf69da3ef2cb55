using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Calls;

/// <summary>
/// Time-limited TURN credentials by the TURN REST API convention (draft-uberti-behave-turn-rest, coturn's
/// <c>use-auth-secret</c>): username <c>{expiry unix seconds}:{user}</c>, password base64(HMAC-SHA1(secret, username)).
/// The TURN server checks both with the same secret and refuses them after the expiry; nothing is stored.
/// </summary>
internal sealed class TurnCredentialIssuer(IOptions<CallsOptions> options, TimeProvider clock)
{
    public bool Configured => options.Value.TurnSecret.Length > 0;

    public TurnCredentials Issue(string user)
    {
        var lifetime = options.Value.TurnCredentialLifetime;
        var expires = clock.GetUtcNow() + lifetime;
        var username = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + user;
        var password = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(options.Value.TurnSecret), Encoding.UTF8.GetBytes(username)));
        return new TurnCredentials(username, password, (int)lifetime.TotalSeconds, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()), options.Value.TurnUris);
    }
}
