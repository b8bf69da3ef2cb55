using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Testing;

/// <summary>A client of the public API, as an integrator would write one, with the few calls tests repeat.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public const string Password = "violet tractor ocean 42";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public HttpClient Http => http;

    public string? Username { get; private set; }

    public string? AccessToken => http.DefaultRequestHeaders.Authorization?.Parameter;

    /// <summary>Registers <paramref name="username"/>, gets a token with the password grant and sends it from now on.</summary>
    public async Task<ApiClient> SignUpAsync(string username)
    {
        var registered = await PostJsonAsync("/v1/auth/register", new { username, password = Password });
        await ExpectAsync(registered, HttpStatusCode.Created);
        var token = await PostJsonAsync("/v1/auth/token", new { grant_type = "password", username, password = Password });
        var body = await ExpectAsync(token, HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["access_token"]!.GetValue<string>());
        Username = username;
        return this;
    }

    /// <summary>Signs in an existing user with the password grant and sends the token from now on.</summary>
    public async Task<ApiClient> SignInAsync(string username, string password)
    {
        var token = await PostJsonAsync("/v1/auth/token", new { grant_type = "password", username, password });
        var body = await ExpectAsync(token, HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["access_token"]!.GetValue<string>());
        Username = username;
        return this;
    }

    /// <summary>Acts as <paramref name="signedIn"/> does (same user, same token), against this client's address.</summary>
    public ApiClient ActingAs(ApiClient signedIn)
    {
        http.DefaultRequestHeaders.Authorization = signedIn.Http.DefaultRequestHeaders.Authorization;
        Username = signedIn.Username;
        return this;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => http.PostAsJsonAsync(path, body, Json);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json") =>
        http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public async Task<JsonNode> GetJsonAsync(string path) => await ExpectAsync(await http.GetAsync(path), HttpStatusCode.OK);

    public async Task<string> CreateConversationAsync(string type, params string[] members)
    {
        var response = await PostJsonAsync("/v1/conversations", new { type, members });
        var body = await ExpectAsync(response, response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
        return body["conversation_id"]!.GetValue<string>();
    }

    /// <summary>Sends a text and expects 202; returns the message id.</summary>
    public async Task<string> SendTextAsync(string conversationId, string text, string[]? to = null, string? messageId = null)
    {
        var response = await PostJsonAsync("/v1/messages", new
        {
            message_id = messageId,
            conversation_id = conversationId,
            from = Username,
            to,
            payload = new { type = "text", text },
        });
        var body = await ExpectAsync(response, HttpStatusCode.Accepted);
        return body["message_id"]!.GetValue<string>();
    }

    /// <summary>Every message of a conversation, following next_after_seq.</summary>
    public async Task<List<JsonNode>> HistoryAsync(string conversationId)
    {
        var all = new List<JsonNode>();
        long after = 0;
        while (true)
        {
            var page = await GetJsonAsync($"/v1/conversations/{conversationId}/messages?after_seq={after}&limit=500");
            var items = page["items"]!.AsArray();
            if (items.Count == 0) return all;
            all.AddRange(items.Select(i => i!));
            after = page["next_after_seq"]!.GetValue<long>();
        }
    }

    public static async Task<JsonNode> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public void Dispose() => http.Dispose();
}
