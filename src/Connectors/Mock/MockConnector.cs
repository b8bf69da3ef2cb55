namespace Chat.Connectors.Mock;

/// <summary>
/// A stand-in for WhatsApp, Instagram or Messenger: waits <see cref="MockPlatformOptions.LatencyMs"/>,
/// fails at <see cref="MockPlatformOptions.FailureRate"/> (reproducibly with a seed), logs each send
/// and returns a made-up platform id that carries our delivery reference, so the mock's status
/// webhooks (delivered, read) can be traced back to the delivery.
/// </summary>
internal sealed class MockConnector(string channel, MockPlatformOptions options, ILogger logger) : IConnector
{
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _gate = new();

    public string Channel => channel;

    public async Task<SendResult> SendTextAsync(string externalId, string text, string reference, CancellationToken cancellationToken)
    {
        if (options.LatencyMs > 0) await Task.Delay(options.LatencyMs, cancellationToken);
        bool fails;
        lock (_gate) fails = _random.NextDouble() < options.FailureRate;
        if (fails)
        {
            logger.LogInformation("{Channel} (mock): send to {Recipient} failed as configured", channel, externalId);
            throw new HttpRequestException($"{channel} (mock) is failing, as configured (FailureRate {options.FailureRate}).");
        }
        var id = PlatformIdOf(channel, reference);
        logger.LogInformation("{Channel} (mock): sent {Length} characters to {Recipient} as {PlatformId}", channel, text.Length, externalId, id);
        return SendResult.Accepted(id);
    }

    /// <summary>The mock platforms can edit and delete what they were sent: logged, and accepted.</summary>
    public Task<SendResult> EditTextAsync(string externalId, string platformMessageId, string text, CancellationToken cancellationToken)
    {
        logger.LogInformation("{Channel} (mock): edited {PlatformId} for {Recipient} to {Length} characters", channel, platformMessageId, externalId, text.Length);
        return Task.FromResult(SendResult.Accepted(platformMessageId));
    }

    public Task<SendResult> DeleteAsync(string externalId, string platformMessageId, CancellationToken cancellationToken)
    {
        logger.LogInformation("{Channel} (mock): deleted {PlatformId} for {Recipient}", channel, platformMessageId, externalId);
        return Task.FromResult(SendResult.Accepted(platformMessageId));
    }

    public static string PlatformIdOf(string channel, string reference) => $"{channel}-{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(reference)}";

    /// <summary>The delivery reference inside a platform id this mock made, or null.</summary>
    public static string? ReferenceOf(string channel, string platformId)
    {
        if (!platformId.StartsWith(channel + "-", StringComparison.Ordinal)) return null;
        try
        {
            return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(platformId[(channel.Length + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
