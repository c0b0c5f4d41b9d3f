//! Module resolution for a macro: `xapi` and `storage` are built in, `./Name` is another
//! macro of the device (active or not). Nothing else can be imported: no npm, no files.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use boa_engine::module::{ModuleLoader, Referrer};
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsValue, Module, Source, js_string,
};

/// Whether a macro is an ES module (uses `import`/`export`) rather than CommonJS.
pub fn is_es_module(source: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("import ") || line.starts_with("import{") || line.starts_with("export ")
    })
}

pub struct MacroLoader {
    /// Every macro on the device, by name.
    pub sources: HashMap<String, String>,
    builtins: RefCell<HashMap<&'static str, JsObject>>,
    modules: RefCell<HashMap<String, Module>>,
    /// CommonJS `module.exports` of each macro loaded with `require`.
    exports: RefCell<HashMap<String, JsValue>>,
}

impl MacroLoader {
    pub fn new(sources: HashMap<String, String>) -> Self {
        MacroLoader {
            sources,
            builtins: RefCell::new(HashMap::new()),
            modules: RefCell::new(HashMap::new()),
            exports: RefCell::new(HashMap::new()),
        }
    }

    /// Makes a built-in module (`xapi`, `storage`) importable.
    pub fn set_builtin(&self, name: &'static str, object: JsObject) {
        self.builtins.borrow_mut().insert(name, object);
    }

    fn builtin(&self, name: &str) -> Option<JsObject> {
        self.builtins.borrow().get(name).cloned()
    }

    /// The name and source of the macro a `./Name` specifier means.
    fn macro_source<'s>(&'s self, specifier: &'s str) -> JsResult<(&'s str, &'s str)> {
        let name = Self::macro_name(specifier).ok_or_else(|| Self::not_found(specifier))?;
        let source = self
            .sources
            .get(name)
            .ok_or_else(|| Self::not_found(specifier))?;
        Ok((name, source.as_str()))
    }

    fn macro_name(specifier: &str) -> Option<&str> {
        let name = specifier.strip_prefix("./")?;
        Some(name.strip_suffix(".js").unwrap_or(name))
    }

    fn not_found(specifier: &str) -> JsError {
        JsNativeError::typ()
            .with_message(format!(
                "Cannot find module '{specifier}': import 'xapi', 'storage' or another macro as './Name'"
            ))
            .into()
    }

    /// The module for an import specifier, parsed once per context.
    pub fn module(&self, specifier: &str, context: &mut Context) -> JsResult<Module> {
        if let Some(module) = self.modules.borrow().get(specifier) {
            return Ok(module.clone());
        }
        let module = if let Some(object) = self.builtin(specifier) {
            Module::from_value_as_default(object.into(), context)
        } else {
            let (name, source) = self.macro_source(specifier)?;
            if is_es_module(source) {
                let path = format!("{name}.js");
                Module::parse(
                    Source::from_bytes(source).with_path(Path::new(&path)),
                    None,
                    context,
                )?
            } else {
                let exports = self.require(specifier, context)?;
                Module::from_value_as_default(exports, context)
            }
        };
        self.modules
            .borrow_mut()
            .insert(specifier.to_string(), module.clone());
        Ok(module)
    }

    /// `require('./Name')`: a CommonJS macro's `module.exports`, or an ES macro's namespace.
    pub fn require(&self, specifier: &str, context: &mut Context) -> JsResult<JsValue> {
        if let Some(object) = self.builtin(specifier) {
            return Ok(object.into());
        }
        if let Some(exports) = self.exports.borrow().get(specifier) {
            return Ok(exports.clone());
        }
        let (name, source) = self.macro_source(specifier)?;
        let exports = if is_es_module(source) {
            let module = self.module(specifier, context)?;
            let promise = module.load_link_evaluate(context);
            context.run_jobs()?;
            if let boa_engine::builtins::promise::PromiseState::Rejected(e) = promise.state() {
                return Err(JsError::from_opaque(e));
            }
            let namespace = module.namespace(context);
            let default = namespace.get(js_string!("default"), context)?;
            if default.is_undefined() {
                namespace.into()
            } else {
                default
            }
        } else {
            evaluate_common_js(name, source, context)?
        };
        self.exports
            .borrow_mut()
            .insert(specifier.to_string(), exports.clone());
        Ok(exports)
    }
}

/// Runs a CommonJS macro in a function scope with its own `module`, `exports` and `require`;
/// gives back `module.exports`. The wrapper keeps line numbers as written.
pub fn evaluate_common_js(name: &str, source: &str, context: &mut Context) -> JsResult<JsValue> {
    let wrapped = format!("(function (module, exports) {{{source}\n}})");
    let path = format!("{name}.js");
    let function = context.eval(Source::from_bytes(&wrapped).with_path(Path::new(&path)))?;
    let module = JsObject::with_object_proto(context.intrinsics());
    let exports = JsObject::with_object_proto(context.intrinsics());
    module.set(js_string!("exports"), exports.clone(), false, context)?;
    module.set(
        js_string!("name"),
        js_string!(format!("./{name}")),
        false,
        context,
    )?;
    let function = function
        .as_callable()
        .ok_or_else(|| JsNativeError::typ().with_message("CommonJS wrapper is not a function"))?;
    function.call(
        &JsValue::undefined(),
        &[module.clone().into(), exports.into()],
        context,
    )?;
    module.get(js_string!("exports"), context)
}

impl ModuleLoader for MacroLoader {
    async fn load_imported_module(
        self: Rc<Self>,
        _referrer: Referrer,
        request: boa_engine::module::ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let specifier = request.specifier().to_std_string_escaped();
        self.module(&specifier, &mut context.borrow_mut())
    }
}
