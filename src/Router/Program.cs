using Chat.Router;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMessageStore();
builder.AddMetadataStore();
builder.AddRouter();

var app = builder.Build();
app.UseServiceDefaults();
app.RunOrExplain();
