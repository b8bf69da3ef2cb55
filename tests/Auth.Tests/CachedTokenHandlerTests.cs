using System.Security.Cryptography;
using Chat.Shared.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth.Tests;

/// <summary>
/// Issue 19's token cache: a token validated once is not checked again, but a remembered token is
/// never accepted past its expiry, after its signing key is retired, or when a byte of it differs.
/// (A logged-out token is refused by the deny-list, which runs on every request: see the logout tests.)
/// </summary>
public sealed class CachedTokenHandlerTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly List<SecurityKey> _accepted = [];
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-1" };

    public CachedTokenHandlerTests() => _accepted.Add(_key);

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "chat", ValidAudience = "chat-api", ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        IssuerSigningKeyResolver = (_, _, _, _) => _accepted,
        // The lifetime check follows the test's clock, so "expired" is the same instant for both.
        LifetimeValidator = (_, expires, _, _) => expires > _clock.GetUtcNow().UtcDateTime,
    };

    private string Token(TimeSpan lifetime, ECDsaSecurityKey? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "chat", Audience = "chat-api", Claims = new Dictionary<string, object> { ["sub"] = "alice", ["jti"] = Guid.NewGuid().ToString("N") },
        IssuedAt = _clock.GetUtcNow().UtcDateTime, NotBefore = _clock.GetUtcNow().UtcDateTime.AddSeconds(-1), Expires = _clock.GetUtcNow().UtcDateTime + lifetime,
        SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.EcdsaSha256),
    });

    [Fact]
    public async Task A_token_is_validated_once_and_then_remembered_with_the_same_claims()
    {
        using var handler = new CachedTokenHandler(_clock);
        var token = Token(TimeSpan.FromMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Validations);
        Assert.Equal("alice", second.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity); // each request its own identity to decorate
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        using var handler = new CachedTokenHandler(_clock);
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        _clock.Now += TimeSpan.FromMinutes(6);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(2, handler.Validations);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_its_signing_key_is_retired()
    {
        using var handler = new CachedTokenHandler(_clock);
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        _accepted.Clear();
        _accepted.Add(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-2" });

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task A_tampered_copy_of_a_remembered_token_is_refused()
    {
        using var handler = new CachedTokenHandler(_clock);
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"alice\"", "\"admin\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters())).IsValid);
    }

    [Fact]
    public async Task A_token_signed_by_a_key_never_accepted_is_not_remembered_as_valid()
    {
        using var handler = new CachedTokenHandler(_clock);
        var stranger = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-1" }; // same kid, other key
        var token = Token(TimeSpan.FromMinutes(5), stranger);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(2, handler.Validations);
    }
}
