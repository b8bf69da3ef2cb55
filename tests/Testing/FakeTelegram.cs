using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.Testing;

/// <summary>
/// A fake Telegram Bot API over real HTTP: answers <c>POST /bot{token}/sendMessage</c> like Telegram
/// (or with 500 while <see cref="Failing"/>), and <c>editMessageText</c> and <c>deleteMessage</c>, and records every call it gets.
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    /// <param name="Document">For sendDocument: the URL Telegram would fetch the file from.</param>
    /// <param name="MessageId">The Telegram message id: the one given (a send) or named (an edit or delete).</param>
    public sealed record Call(string ChatId, string Text, DateTimeOffset At, bool Answered, string? Document = null, string Method = "sendMessage", long MessageId = 0);

    private WebApplication _app = null!;
    private int _nextId;

    public ConcurrentQueue<Call> Calls { get; } = new();
    public volatile bool Failing;

    /// <summary>How long the platform takes to answer a send it has already taken (recorded in <see cref="Calls"/> on arrival).</summary>
    public TimeSpan AnswerDelay { get; set; }
    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram();
        (fake._app, fake.BaseAddress) = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/bot{token}/sendMessage", fake.SendMessageAsync);
            app.MapPost("/bot{token}/sendDocument", fake.SendDocumentAsync);
            app.MapPost("/bot{token}/editMessageText", fake.EditMessageTextAsync);
            app.MapPost("/bot{token}/deleteMessage", fake.DeleteMessageAsync);
        });
        return fake;
    }

    private async Task<IResult> SendMessageAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var chatId = body["chat_id"]!.ToJsonString().Trim('"');
        var text = body["text"]!.GetValue<string>();
        if (Failing)
        {
            Calls.Enqueue(new Call(chatId, text, DateTimeOffset.UtcNow, false));
            if (AnswerDelay > TimeSpan.Zero) await Task.Delay(AnswerDelay);
            return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 500, ["description"] = "Internal Server Error" }, statusCode: 500);
        }
        var messageId = Interlocked.Increment(ref _nextId);
        Calls.Enqueue(new Call(chatId, text, DateTimeOffset.UtcNow, true, MessageId: messageId));
        if (AnswerDelay > TimeSpan.Zero) await Task.Delay(AnswerDelay);
        var result = new JsonObject
        {
            ["message_id"] = messageId, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = long.Parse(chatId), ["type"] = "private" }, ["text"] = text,
        };
        return Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
    }

    private async Task<IResult> SendDocumentAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var chatId = body["chat_id"]!.ToJsonString().Trim('"');
        var document = body["document"]!.GetValue<string>();
        var caption = body["caption"]?.GetValue<string>() ?? "";
        Calls.Enqueue(new Call(chatId, caption, DateTimeOffset.UtcNow, true, document));
        var result = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _nextId), ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = long.Parse(chatId), ["type"] = "private" }, ["caption"] = caption,
        };
        return Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
    }

    private async Task<IResult> EditMessageTextAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var chatId = body["chat_id"]!.ToJsonString().Trim('"');
        var messageId = body["message_id"]!.GetValue<long>();
        var text = body["text"]!.GetValue<string>();
        Calls.Enqueue(new Call(chatId, text, DateTimeOffset.UtcNow, true, Method: "editMessageText", MessageId: messageId));
        var result = new JsonObject
        {
            ["message_id"] = messageId, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["edit_date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = long.Parse(chatId), ["type"] = "private" }, ["text"] = text,
        };
        return Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
    }

    private async Task<IResult> DeleteMessageAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var chatId = body["chat_id"]!.ToJsonString().Trim('"');
        Calls.Enqueue(new Call(chatId, "", DateTimeOffset.UtcNow, true, Method: "deleteMessage", MessageId: body["message_id"]!.GetValue<long>()));
        return Results.Json(new JsonObject { ["ok"] = true, ["result"] = true });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
