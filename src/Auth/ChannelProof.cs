using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Chat.Shared.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>
/// The narrow port through which a connector hands Auth a platform's proof that a pending mapping is
/// its user's: a one-time code arriving from that platform id (Telegram <c>/start &lt;code&gt;</c>, a
/// signed mock-platform message carrying it). Auth owns the mappings and the codes (issue 10, 14).
/// </summary>
public interface IChannelProof
{
    /// <summary>The user whose pending mapping (<paramref name="channel"/>, <paramref name="externalId"/>) <paramref name="code"/> proved, or null.</summary>
    Task<string?> ProveAsync(string channel, string externalId, string code, CancellationToken ct);
}

/// <summary>Section <c>Auth:ChannelProof</c>.</summary>
public sealed class ChannelProofOptions
{
    public const string Section = "Auth:ChannelProof";

    /// <summary>The Telegram bot's username, for the <c>https://t.me/&lt;bot&gt;?start=&lt;code&gt;</c> deep link (none: no link).</summary>
    public string TelegramBot { get; set; } = "";

    [Positive]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Codes are 64 random bits, kept only as their SHA-256, used once, and valid for <see cref="ChannelProofOptions.CodeLifetime"/>.</summary>
public sealed partial class ChannelProof(IChannelMappingStore mappings, TimeProvider clock, ILogger<ChannelProof> logger) : IChannelProof
{
    /// <summary>Telegram's start parameter allows [A-Za-z0-9_-], up to 64.</summary>
    [GeneratedRegex(@"\bcv_[0-9a-f]{16}\b")]
    private static partial Regex CodePattern();

    public static string NewCode() => "cv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    /// <summary>The code a platform text carries (<c>/start cv_…</c>, or anywhere in a mock platform's message), if any.</summary>
    public static string? CodeIn(string text) => CodePattern().Match(text) is { Success: true } match ? match.Value : null;

    public async Task<string?> ProveAsync(string channel, string externalId, string code, CancellationToken ct)
    {
        var user = await mappings.VerifyChannelMappingAsync(channel, externalId, Hash(code), clock.GetUtcNow(), ct);
        if (user is null) logger.LogInformation("A {Channel} proof code from {External} proved nothing: unknown, used, expired, or the id is another user's", channel, externalId);
        else logger.LogInformation("{User} proved their {Channel} mapping to {External}", user, channel, externalId);
        return user;
    }
}
