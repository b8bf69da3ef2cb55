using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Http;

/// <summary>An access token revoked by logout, by its <c>jti</c>, and when it would have expired anyway.</summary>
/// <param name="SessionId">The session (<c>sid</c> claim: the refresh-token family) the logout ended, for what belongs to it (push devices).</param>
public sealed record RevokedToken(string TokenId, DateTimeOffset ExpiresAt, string? SessionId = null);

/// <summary>Revocations after a cursor, and the cursor to ask from next time.</summary>
public sealed record RevocationPage(long Cursor, IReadOnlyList<RevokedToken> Tokens);

/// <summary>
/// Where revocations come from: Auth's own store where Auth runs in the process, else Auth's
/// <c>/.well-known/revoked-tokens</c> (as keys come from its JWKS).
/// </summary>
public interface IRevocationFeed
{
    /// <summary>Revocations recorded after <paramref name="cursor"/> (0: every one still unexpired).</summary>
    Task<RevocationPage> ReadAfterAsync(long cursor, CancellationToken cancellationToken);
}

/// <summary>
/// The access tokens this process refuses although they are validly signed and unexpired
/// (checked on every authenticated request and WebSocket upgrade). Kept in memory, refreshed from
/// <see cref="IRevocationFeed"/> every <see cref="AuthOptions.RevocationPollInterval"/>; an entry
/// is forgotten once its token would have expired.
/// </summary>
public sealed class RevokedTokens(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    public bool IsRevoked(string tokenId) => _revoked.ContainsKey(tokenId);

    public void Add(RevokedToken token) => _revoked[token.TokenId] = token.ExpiresAt;

    /// <summary>Forgets tokens past their expiry: validation refuses those by themselves.</summary>
    internal void ForgetExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, expires) in _revoked)
            if (expires < now - TimeSpan.FromMinutes(1)) _revoked.TryRemove(id, out _);
    }
}

/// <summary>Keeps <see cref="RevokedTokens"/> current; the first read happens before the service takes requests.</summary>
internal sealed class RevokedTokensRefresher(
    RevokedTokens revoked, IRevocationFeed feed, IOptions<AuthOptions> options, TimeProvider clock, ILogger<RevokedTokensRefresher> logger) : BackgroundService
{
    private long _cursor;
    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
                revoked.ForgetExpired();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            var page = await feed.ReadAfterAsync(_cursor, ct);
            foreach (var token in page.Tokens) revoked.Add(token);
            _cursor = page.Cursor;
            if (_failing) logger.LogInformation("Reading revoked access tokens works again");
            _failing = false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Tokens revoked meanwhile are still accepted here: say so once, not every half second.
            if (!_failing) logger.LogWarning(e, "Cannot read revoked access tokens; tokens logged out since the last read are accepted until it works again");
            _failing = true;
        }
    }
}

/// <summary>Auth's revocations over HTTP, for services that run without Auth in the process.</summary>
internal sealed class HttpRevocationFeed(HttpClient http, IOptions<AuthOptions> options) : IRevocationFeed
{
    public async Task<RevocationPage> ReadAfterAsync(long cursor, CancellationToken cancellationToken)
    {
        var url = $"{options.Value.RevocationsUrl()}?after={cursor}";
        return await http.GetFromJsonAsync(url, RevocationJson.Default.RevocationPage, cancellationToken)
            ?? throw new InvalidOperationException($"{url} answered null.");
    }
}

/// <summary>The <c>/.well-known/revoked-tokens</c> document: <c>{"cursor","tokens":[{"token_id","expires_at"}]}</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RevocationPage))]
public sealed partial class RevocationJson : JsonSerializerContext;
