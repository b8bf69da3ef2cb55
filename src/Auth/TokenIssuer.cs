using System.Security.Claims;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth;

public sealed record AccessToken(string Token, TimeSpan Lifetime);

public sealed class TokenIssuer(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public AccessToken Issue(string username)
    {
        var auth = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", username), new Claim("jti", Ids.New())]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Current, ChatAuthentication.Algorithm),
        });
        return new AccessToken(token, auth.AccessTokenLifetime);
    }
}
