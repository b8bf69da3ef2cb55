using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace Chat.Connectors.Telegram;

/// <summary>Telegram through Telegram.Bot, one attempt per call: the client's own 429 retries are off, the worker owns retries.</summary>
internal sealed class TelegramConnector : IConnector
{
    private readonly TelegramBotClient _bot;

    public TelegramConnector(IOptions<ConnectorsOptions> options, IHttpClientFactory http)
    {
        var telegram = options.Value.Telegram;
        _bot = new TelegramBotClient(new TelegramBotClientOptions(telegram.BotToken, telegram.BaseUrl) { RetryCount = 0 }, http.CreateClient("telegram"));
    }

    public string Channel => "telegram";

    public Task<SendResult> SendTextAsync(string externalId, string text, string reference, CancellationToken cancellationToken) =>
        SendAsync(externalId, chatId => _bot.SendMessage(chatId, text, cancellationToken: cancellationToken));

    /// <summary>
    /// As a document Telegram fetches from the presigned URL; above the 20 MB Telegram fetches by URL, as a link.
    /// (https://core.telegram.org/bots/api#sending-files)
    /// </summary>
    public Task<SendResult> SendFileAsync(string externalId, OutgoingFile file, string reference, CancellationToken cancellationToken) =>
        file.Size > MaxFetchedBytes
            ? SendTextAsync(externalId, file.AsText(), reference, cancellationToken)
            : SendAsync(externalId, chatId => _bot.SendDocument(chatId, InputFile.FromUri(file.DownloadUrl), caption: file.Caption, cancellationToken: cancellationToken));

    private const long MaxFetchedBytes = 20L << 20;

    /// <summary>editMessageText (https://core.telegram.org/bots/api#editmessagetext); a message that is no text (a document) is refused by Telegram, permanently.</summary>
    public Task<SendResult> EditTextAsync(string externalId, string platformMessageId, string text, CancellationToken cancellationToken) =>
        int.TryParse(platformMessageId, out var messageId)
            ? SendAsync(externalId, chatId => _bot.EditMessageText(chatId, messageId, text, cancellationToken: cancellationToken))
            : Task.FromResult(SendResult.Failed($"'{platformMessageId}' is not a Telegram message id.", permanent: true));

    /// <summary>deleteMessage (https://core.telegram.org/bots/api#deletemessage): a bot may delete what it sent within 48 hours; older is refused, permanently.</summary>
    public async Task<SendResult> DeleteAsync(string externalId, string platformMessageId, CancellationToken cancellationToken) =>
        int.TryParse(platformMessageId, out var messageId)
            ? await SendAsync(externalId, async chatId =>
            {
                await _bot.DeleteMessage(chatId, messageId, cancellationToken);
                return new global::Telegram.Bot.Types.Message { Id = messageId };
            })
            : SendResult.Failed($"'{platformMessageId}' is not a Telegram message id.", permanent: true);

    private static async Task<SendResult> SendAsync(string externalId, Func<long, Task<global::Telegram.Bot.Types.Message>> send)
    {
        if (!long.TryParse(externalId, out var chatId)) return SendResult.Failed($"'{externalId}' is not a Telegram chat id.", permanent: true);
        try
        {
            var sent = await send(chatId);
            return SendResult.Accepted(sent.Id.ToString());
        }
        catch (ApiRequestException e) when (e.ErrorCode == 429)
        {
            return SendResult.Failed("Telegram: too many requests", retryAfter: TimeSpan.FromSeconds(e.Parameters?.RetryAfter ?? 1));
        }
        catch (ApiRequestException e) when (e.ErrorCode is 400 or 403 or 404)
        {
            return SendResult.Failed($"Telegram refused: {e.Message}", permanent: true);
        }
    }
}
