//! The macro host: one process per macro (`roomd macro-host`), running it in boa_engine.
//!
//! It talks to roomd over stdin/stdout, one JSON object a line: JSON-RPC requests out
//! (`xGet`, `xCommand/...`, `xFeedback/Subscribe`, ...), replies and `xFeedback/Event`
//! notifications in, plus `macro/*` messages (log lines, readiness, storage). To roomd a macro
//! is just another xAPI client with roles.
//!
//! The process boundary is what keeps the device safe: boa cannot be interrupted, has no heap
//! cap, and aborts the process on deep native recursion. So a watchdog thread ends the process
//! when JavaScript runs longer than `UnresponsiveTimeout`, the allocator refuses memory past
//! the cap, and roomd's supervisor restarts what died, with back-off.

mod executor;
mod loader;
mod timers;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use boa_engine::builtins::promise::{OperationType, PromiseState};
use boa_engine::context::HostHooks;
use boa_engine::object::ObjectInitializer;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, Module, NativeFunction,
    Source, js_string,
};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use self::executor::Jobs;
use self::loader::{MacroLoader, evaluate_common_js, is_es_module};
use self::timers::Timers;
use crate::alloc_cap;

const PRELUDE: &str = include_str!("prelude.js");

/// Exit codes, so the supervisor can say why a macro stopped.
pub mod exit {
    /// An uncaught error at top level, or an engine limit (recursion) was hit.
    pub const ERROR: i32 = 2;
    /// JavaScript ran longer than `UnresponsiveTimeout` without returning.
    pub const UNRESPONSIVE: i32 = 3;
    /// The first line was not a valid start message.
    pub const BAD_START: i32 = 4;
    /// roomd went away (its end of our stdin closed): a macro never outlives its device.
    pub const ORPHANED: i32 = 5;
}

/// What roomd sends first: the macro to run and its limits.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Start {
    pub name: String,
    pub source: String,
    /// Every macro of the device, by name, for `import ... from './Name'`.
    #[serde(default)]
    pub library: HashMap<String, String>,
    /// Seconds JavaScript may run without returning; 0 = no limit.
    pub unresponsive_timeout: u64,
    /// Bytes the process may allocate; 0 = no cap.
    pub memory_cap: usize,
}

/// When JavaScript was entered (ms since start), 0 while idle. Read by the watchdog.
static BUSY_SINCE: AtomicU64 = AtomicU64::new(0);

fn millis() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1
}

/// Runs `f` marked as busy, for the watchdog.
fn busy<R>(f: impl FnOnce() -> R) -> R {
    BUSY_SINCE.store(millis(), Ordering::SeqCst);
    let out = f();
    BUSY_SINCE.store(0, Ordering::SeqCst);
    out
}

/// Writes one line to roomd.
fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes());
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

fn emit_log(level: &str, message: &str) {
    emit(
        &json!({"jsonrpc":"2.0","method":"macro/log","params":{"Level":level,"Message":message}})
            .to_string(),
    );
}

/// The macro host's entry point; returns the process exit code.
pub fn main() -> i32 {
    let mut first = String::new();
    if std::io::stdin().lock().read_line(&mut first).is_err() {
        return exit::BAD_START;
    }
    let start: Start = match serde_json::from_str::<Json>(&first)
        .ok()
        .and_then(|v| serde_json::from_value(v["params"].clone()).ok())
    {
        Some(start) => start,
        None => {
            eprintln!("macro host: the first line must be a macro/start message");
            return exit::BAD_START;
        }
    };
    alloc_cap::set_cap(start.memory_cap);
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
        // Whether roomd stopped us or died (even by SIGKILL), our stdin is closed: a macro
        // spinning in JavaScript would never notice on its own, so this thread ends it.
        std::process::exit(exit::ORPHANED);
    });
    start_watchdog(start.unresponsive_timeout);
    // boa recurses on the native stack; give it room, and let the recursion limit trip first.
    let runner = std::thread::Builder::new()
        .name(format!("macro {}", start.name))
        .stack_size(256 << 20)
        .spawn(move || run(start, rx))
        .expect("macro thread");
    runner.join().unwrap_or(exit::ERROR)
}

fn start_watchdog(timeout_s: u64) {
    if timeout_s == 0 {
        return;
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let since = BUSY_SINCE.load(Ordering::SeqCst);
            if since != 0 && millis().saturating_sub(since) > timeout_s * 1000 {
                emit_log(
                    "error",
                    &format!(
                        "stopped: unresponsive for more than {timeout_s} s (UnresponsiveTimeout)"
                    ),
                );
                eprintln!("unresponsive for more than {timeout_s} s");
                std::process::exit(exit::UNRESPONSIVE);
            }
        }
    });
}

/// Promises rejected with nobody to handle them, reported after each turn.
#[derive(Default)]
struct Rejections {
    unhandled: RefCell<Vec<JsObject>>,
}

impl HostHooks for Rejections {
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<boa_engine::builtins::promise::Promise>,
        operation: OperationType,
        _context: &mut Context,
    ) {
        let promise = promise.clone().upcast();
        let mut list = self.unhandled.borrow_mut();
        match operation {
            OperationType::Reject => list.push(promise),
            OperationType::Handle => list.retain(|p| !JsObject::equals(p, &promise)),
        }
    }
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
    static LOADER: RefCell<Option<Rc<MacroLoader>>> = const { RefCell::new(None) };
}

/// A JavaScript error for the log: the message with its place, then a short backtrace with
/// repeated frames folded, so a runaway recursion gives a few lines, not hundreds.
pub fn describe(error: &JsError, context: &mut Context) -> String {
    fold_frames(&raw_description(error, context))
}

fn fold_frames(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut repeats = 0;
    for line in text.lines() {
        if out.last().is_some_and(|last| last == line) {
            repeats += 1;
            continue;
        }
        if repeats > 0 {
            out.push(format!("    (the frame above {repeats} more times)"));
            repeats = 0;
        }
        out.push(line.to_string());
    }
    if repeats > 0 {
        out.push(format!("    (the frame above {repeats} more times)"));
    }
    out.truncate(12);
    out.join("\n")
}

fn raw_description(error: &JsError, context: &mut Context) -> String {
    let mut text = error.to_string();
    if let Some(object) = error.as_opaque().and_then(JsValue::as_object)
        && let Ok(stack) = object.get(js_string!("stack"), context)
        && let Some(stack) = stack.as_string()
    {
        let stack = stack.to_std_string_escaped();
        if !stack.is_empty() && !text.contains(&stack) {
            text.push('\n');
            text.push_str(&stack);
        }
    }
    text
}

fn arg_string(args: &[JsValue], i: usize, context: &mut Context) -> JsResult<String> {
    Ok(args
        .get(i)
        .cloned()
        .unwrap_or_default()
        .to_string(context)?
        .to_std_string_escaped())
}

/// The native functions the prelude uses to reach the host.
fn host_object(context: &mut Context) -> JsObject {
    fn send(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        emit(&arg_string(args, 0, ctx)?);
        Ok(JsValue::undefined())
    }
    fn log(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        emit_log(&arg_string(args, 0, ctx)?, &arg_string(args, 1, ctx)?);
        Ok(JsValue::undefined())
    }
    fn error(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        let place = arg_string(args, 0, ctx)?;
        let err = JsError::from_opaque(args.get(1).cloned().unwrap_or_default());
        let text = describe(&err, ctx);
        emit_log("error", &format!("Uncaught error in {place}: {text}"));
        Ok(JsValue::undefined())
    }
    fn timer(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        let id = args.first().cloned().unwrap_or_default().to_number(ctx)? as u64;
        let ms = args
            .get(1)
            .cloned()
            .unwrap_or_default()
            .to_number(ctx)?
            .max(0.0) as u64;
        let repeat = args.get(2).is_some_and(JsValue::to_boolean);
        TIMERS.with(|t| t.borrow_mut().add(id, Duration::from_millis(ms), repeat));
        Ok(JsValue::undefined())
    }
    fn cancel(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        let id = args.first().cloned().unwrap_or_default().to_number(ctx)? as u64;
        TIMERS.with(|t| t.borrow_mut().cancel(id));
        Ok(JsValue::undefined())
    }
    fn require(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
        let spec = arg_string(args, 0, ctx)?;
        let loader = LOADER.with(|l| l.borrow().clone());
        match loader {
            Some(loader) => loader.require(&spec, ctx),
            None => Err(JsNativeError::typ()
                .with_message("require is not ready")
                .into()),
        }
    }
    let mut host = ObjectInitializer::new(context);
    host.function(NativeFunction::from_fn_ptr(send), js_string!("send"), 1)
        .function(NativeFunction::from_fn_ptr(log), js_string!("log"), 2)
        .function(NativeFunction::from_fn_ptr(error), js_string!("error"), 2)
        .function(NativeFunction::from_fn_ptr(timer), js_string!("timer"), 3)
        .function(NativeFunction::from_fn_ptr(cancel), js_string!("cancel"), 1)
        .function(
            NativeFunction::from_fn_ptr(require),
            js_string!("require"),
            1,
        );
    host.build()
}

/// The functions of the prelude that the host calls.
struct Api {
    receive: JsObject,
    fire: JsObject,
}

fn field(object: &JsObject, name: &str, context: &mut Context) -> JsResult<JsObject> {
    object
        .get(JsString::from(name), context)?
        .as_object()
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!("prelude lacks {name}"))
                .into()
        })
}

fn setup(start: &Start) -> JsResult<(Context, Api, Rc<Rejections>)> {
    let rejections = Rc::new(Rejections::default());
    let loader = Rc::new(MacroLoader::new(start.library.clone()));
    let mut context = Context::builder()
        .job_executor(Rc::new(Jobs::default()))
        .module_loader(loader.clone())
        .host_hooks(rejections.clone())
        .build()?;
    // Deep recursion becomes an error before it can exhaust the native stack.
    context.runtime_limits_mut().set_recursion_limit(400);
    context.runtime_limits_mut().set_backtrace_limit(16);
    let host = host_object(&mut context);
    let prelude = context.eval(Source::from_bytes(PRELUDE).with_path(Path::new("prelude.js")))?;
    let prelude = prelude
        .as_callable()
        .ok_or_else(|| JsNativeError::typ().with_message("prelude is not a function"))?;
    let api = prelude.call(
        &JsValue::undefined(),
        &[host.into(), js_string!(start.name.as_str()).into()],
        &mut context,
    )?;
    let api = api
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("prelude gave no API"))?;
    loader.set_builtin("xapi", field(&api, "xapi", &mut context)?);
    loader.set_builtin("storage", field(&api, "storage", &mut context)?);
    LOADER.with(|l| *l.borrow_mut() = Some(loader));
    let api = Api {
        receive: field(&api, "receive", &mut context)?,
        fire: field(&api, "fire", &mut context)?,
    };
    Ok((context, api, rejections))
}

fn fail(message: &str) -> i32 {
    emit_log("error", message);
    exit::ERROR
}

fn run(start: Start, rx: mpsc::Receiver<String>) -> i32 {
    let (mut context, api, rejections) = match setup(&start) {
        Ok(ready) => ready,
        Err(e) => return fail(&format!("the macro runtime could not start: {e}")),
    };
    let name = start.name.clone();
    // The macro itself: an ES module, or an old CommonJS script.
    let mut main: Option<JsPromise> = None;
    let evaluated = busy(|| -> JsResult<()> {
        if is_es_module(&start.source) {
            let loader = LOADER.with(|l| l.borrow().clone()).expect("loader");
            let module: Module =
                loader
                    .module(&format!("./{name}"), &mut context)
                    .or_else(|_| {
                        let path = format!("{name}.js");
                        Module::parse(
                            Source::from_bytes(&start.source).with_path(Path::new(&path)),
                            None,
                            &mut context,
                        )
                    })?;
            main = Some(module.load_link_evaluate(&mut context));
        } else {
            evaluate_common_js(&name, &start.source, &mut context)?;
        }
        context.run_jobs()
    });
    if let Err(e) = evaluated {
        let text = describe(&e, &mut context);
        return fail(&format!("stopped: {text}"));
    }
    let mut ready = false;
    loop {
        if !ready {
            match main.as_ref().map(JsPromise::state) {
                None | Some(PromiseState::Fulfilled(_)) => {
                    ready = true;
                    emit(r#"{"jsonrpc":"2.0","method":"macro/ready","params":{}}"#);
                    release_startup_memory();
                }
                Some(PromiseState::Rejected(e)) => {
                    let text = describe(&JsError::from_opaque(e), &mut context);
                    return fail(&format!("stopped: {text}"));
                }
                Some(PromiseState::Pending) => {}
            }
        }
        report_unhandled(&rejections, &mut context);
        let wait = TIMERS.with(|t| t.borrow().wait());
        match rx.recv_timeout(wait) {
            Ok(line) => {
                let Ok(message) = serde_json::from_str::<Json>(&line) else {
                    emit_log("warn", "the macro host received a line that is not JSON");
                    continue;
                };
                let outcome = busy(|| -> JsResult<()> {
                    let value = JsValue::from_json(&message, &mut context)?;
                    api.receive
                        .call(&JsValue::undefined(), &[value], &mut context)?;
                    context.run_jobs()
                });
                if let Err(e) = outcome {
                    return fail(&format!("stopped: {}", describe(&e, &mut context)));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // roomd closed our input: the macro is being stopped.
            Err(mpsc::RecvTimeoutError::Disconnected) => return 0,
        }
        let due = TIMERS.with(|t| t.borrow_mut().due());
        for id in due {
            let outcome = busy(|| -> JsResult<()> {
                api.fire.call(
                    &JsValue::undefined(),
                    &[JsValue::from(id as f64)],
                    &mut context,
                )?;
                context.run_jobs()
            });
            if let Err(e) = outcome {
                return fail(&format!("stopped: {}", describe(&e, &mut context)));
            }
        }
    }
}

/// Parsing and compiling the prelude and the macro leave freed heap that malloc keeps for
/// reuse; most macros then idle, and every macro process would hold it, so give it back.
fn release_startup_memory() {
    boa_engine::gc::force_collect();
    // SAFETY: malloc_trim only returns free pages of the heap to the kernel.
    #[cfg(target_env = "gnu")]
    unsafe {
        libc::malloc_trim(0);
    }
}

fn report_unhandled(rejections: &Rejections, context: &mut Context) {
    let promises: Vec<JsObject> = rejections.unhandled.borrow_mut().drain(..).collect();
    for promise in promises {
        let reason = JsPromise::from_object(promise)
            .ok()
            .and_then(|p| match p.state() {
                PromiseState::Rejected(e) => Some(describe(&JsError::from_opaque(e), context)),
                _ => None,
            })
            .unwrap_or_default();
        emit_log("error", &format!("Unhandled promise rejection: {reason}"));
    }
}
