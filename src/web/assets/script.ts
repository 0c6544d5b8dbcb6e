/**
 * The one script, served from /assets/app.js: enhancements only, every page works without it.
 * Print buttons, confirmation of irreversible actions, and a chosen YAML file shown in the
 * text area before it is checked.
 */
export const SCRIPT = `(function(){
'use strict';
document.addEventListener('click',function(e){
  var t=e.target;if(!(t instanceof Element))return;
  var p=t.closest('[data-print]');if(p){e.preventDefault();window.print();}
});
document.addEventListener('submit',function(e){
  var f=e.target;if(!(f instanceof HTMLFormElement))return;
  var b=e.submitter;var q=(b&&b.getAttribute('data-confirm'))||f.getAttribute('data-confirm');
  if(q&&!window.confirm(q)){e.preventDefault();return;}
  if(f.getAttribute('data-once')==='1'){
    if(f.dataset.sent==='1'){e.preventDefault();return;}
    f.dataset.sent='1';
  }
});
document.addEventListener('change',function(e){
  var t=e.target;if(!(t instanceof HTMLInputElement)||t.type!=='file')return;
  var target=t.getAttribute('data-into');var area=target&&document.getElementById(target);
  var file=t.files&&t.files[0];if(!area||!file)return;
  file.text().then(function(text){area.value=text;});
});
})();
`;
