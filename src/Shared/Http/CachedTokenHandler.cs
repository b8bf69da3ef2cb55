using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Shared.Http;

/// <summary>
/// The bearer handler's token validation with a bounded memory of tokens already validated, so an
/// ES256 signature is checked once per token rather than once per request (issue 19: the check was
/// ~13 % of the Host's CPU under load). An entry is used only
/// <list type="bullet">
/// <item>for the exact token string (a tampered one is another key, validated in full);</item>
/// <item>before the token's own expiry (never past <c>exp</c>, whatever the clock skew allows);</item>
/// <item>while the key that signed it is still one the service accepts — a rotation that retires
///   it empties its entries in effect, as each hit looks the key up again (a list lookup, no crypto).</item>
/// </list>
/// Revocation is not the cache's business: the bearer events' deny-list check
/// (<c>OnTokenValidated</c>) runs on every request, cached or not, so a logged-out token is refused
/// within the deny-list's refresh on every instance. Shared by REST and WebSocket (one scheme).
/// </summary>
public sealed class CachedTokenHandler : TokenHandler, IDisposable
{
    /// <summary>At most this many tokens remembered (one per live session, roughly); the least recently used go first.</summary>
    public const int Capacity = 100_000;

    private readonly JsonWebTokenHandler _inner;
    private readonly TimeProvider _clock;
    private readonly MemoryCache _validated;

    public CachedTokenHandler(TimeProvider clock, JsonWebTokenHandler? inner = null)
    {
        _clock = clock;
        _inner = inner ?? new JsonWebTokenHandler { MapInboundClaims = false };
        _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.1 });
    }

    /// <summary>Full validations done (cache misses), for tests and metrics.</summary>
    public long Validations => Interlocked.Read(ref _validations);

    private long _validations;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out Entry? entry) && entry!.ExpiresAt > _clock.GetUtcNow() && KeyStillAccepted(entry, token, validationParameters))
            return new TokenValidationResult
            {
                IsValid = true, SecurityToken = entry.Token, ClaimsIdentity = entry.Identity.Clone(), TokenType = entry.Result.TokenType, Issuer = entry.Result.Issuer,
            };
        Interlocked.Increment(ref _validations);
        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt, ClaimsIdentity: { } identity } && jwt.SigningKey?.KeyId is { } keyId)
        {
            var expiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            _validated.Set(token, new Entry(result, jwt, identity.Clone(), keyId, expiresAt),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
        }
        return result;
    }

    private static bool KeyStillAccepted(Entry entry, string token, TokenValidationParameters parameters)
    {
        if (parameters.IssuerSigningKeys?.Any(k => k.KeyId == entry.KeyId) == true) return true;
        if (parameters.IssuerSigningKey?.KeyId == entry.KeyId) return true;
        return parameters.IssuerSigningKeyResolver?.Invoke(token, entry.Token, entry.KeyId, parameters)?.Any(k => k.KeyId == entry.KeyId) == true;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    public void Dispose() => _validated.Dispose();

    private sealed record Entry(TokenValidationResult Result, JsonWebToken Token, ClaimsIdentity Identity, string KeyId, DateTimeOffset ExpiresAt);
}
